/**
 * A page that renders the data source's config editor, query editor and variable editor with
 * @grafana/ui, the way Grafana mounts them. Every request the data source makes goes over HTTP
 * to the Grafana stand-in (tests/conformance/cmd/grafanastandin), which answers it by calling the
 * real backend executable, which asks the real Prometheus, Elasticsearch and Jaeger. Requests and
 * results are recorded on the page for tests/browser/editors.spec.ts.
 */
import React, { useState } from 'react';
import { createRoot } from 'react-dom/client';
import {
  createTheme,
  dateTime,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type DataSourcePluginOptionsEditorProps,
} from '@grafana/data';
import { setTemplateSrv, type TemplateSrv } from '@grafana/runtime';
import { ThemeContext } from '@grafana/ui';
import { lastValueFrom } from 'rxjs';
import { installBackendSrv } from './grafanaBackendSrv';
import { DataSource } from '../../src/datasource/datasource';
import { ConfigEditor } from '../../src/datasource/components/ConfigEditor';
import { QueryEditor } from '../../src/datasource/components/QueryEditor';
import { VariableQueryEditor } from '../../src/datasource/components/VariableQueryEditor';
import type { AgentMemoryVariableSupport } from '../../src/datasource/variables';
import type { AgentMemoryOptions, AgentMemoryDataQuery, AgentMemoryVariableQuery } from '../../src/datasource/types';

// Grafana behaviours this file imitates, each a row of docs/grafana-behaviour.md:
//   Grafana: TEMPLATE-SRV-FORMAT (docs/grafana-behaviour.md)
//   Grafana: QUERY-REQUEST-FIELDS (docs/grafana-behaviour.md)
//   Grafana: DS-INSTANCE-SETTINGS (docs/grafana-behaviour.md)
//   Grafana: VARIABLE-EDITOR-PROPS (docs/grafana-behaviour.md)
//   Grafana: TEMPLATE-SRV-VARIABLES (docs/grafana-behaviour.md)
//   Grafana: QUERY-EDITOR-PROPS (docs/grafana-behaviour.md)
//   Grafana: THEME-CONTEXT (docs/grafana-behaviour.md)

installBackendSrv();

/**
 * Grafana's template service, with the dashboard variables $service = agentmemory-demo and
 * $weird, a value PromQL can only take escaped.
 */
const VARIABLES: Record<string, string> = { service: 'agentmemory-demo', weird: 'a"b\\c\'d' };
setTemplateSrv({
  replace: (text: string, _scoped?: unknown, format?: unknown) =>
    (text ?? '').replace(/\$\{?(\w+)\}?/g, (token, name: string) =>
      name in VARIABLES ? (typeof format === 'function' ? format(VARIABLES[name]) : VARIABLES[name]) : token
    ),
  getVariables: () => Object.keys(VARIABLES).map((name) => ({ name, type: 'custom' })),
  containsTemplate: (text: string) => /\$\w+/.test(text ?? ''),
  updateTimeRange: () => undefined,
} as unknown as TemplateSrv);

function instance(uid: string, jsonData: AgentMemoryOptions = {}): DataSourceInstanceSettings<AgentMemoryOptions> {
  return {
    id: 1,
    uid,
    name: `Agent Memory (${uid})`,
    type: 'memstack-agentmemory-datasource',
    meta: { id: 'memstack-agentmemory-datasource', info: {} },
    jsonData,
    access: 'proxy',
    readOnly: false,
  } as unknown as DataSourceInstanceSettings<AgentMemoryOptions>;
}

/** `agentmemory` is the live stack; `broken` has every source pointing at a closed port. */
// The frontend sees the instance's jsonData, as the stand-in's settings for it have it.
const live = new DataSource(instance('agentmemory', { jaegerService: 'agentmemory-demo' }));
const broken = new DataSource(instance('broken'));

function ConfigHarness() {
  const [options, setOptions] = useState({
    ...instance('agentmemory'),
    jsonData: {},
    secureJsonFields: {},
  } as unknown as DataSourcePluginOptionsEditorProps<AgentMemoryOptions>['options']);
  return (
    <section>
      <h2>Config editor</h2>
      <ConfigEditor options={options} onOptionsChange={setOptions} />
      <pre id="options">{JSON.stringify(options)}</pre>
    </section>
  );
}

function summary(response: DataQueryResponse) {
  return {
    errors: (response.errors ?? []).map((e) => e.message),
    frames: response.data.map((frame) => ({
      name: frame.name,
      refId: frame.refId,
      length: frame.length,
      fields: frame.fields.map((f: { name: string; values: unknown[] }) => ({ name: f.name, first: f.values[0] })),
    })),
  };
}

/** The last hour, as a panel's time picker would give it to the editors and the query runner. */
function lastHour() {
  return { from: dateTime(Date.now() - 3600_000), to: dateTime(), raw: { from: 'now-1h', to: 'now' } };
}

function QueryHarness({ datasource, id }: { datasource: DataSource; id: string }) {
  const [query, setQueryState] = useState<AgentMemoryDataQuery>({ refId: 'A', queryType: 'metrics', expr: '' });
  // Like a panel's query runner, a run uses the queries as changed just before it.
  const latest = React.useRef(query);
  const setQuery = (q: AgentMemoryDataQuery) => {
    latest.current = q;
    setQueryState(q);
  };
  const [result, setResult] = useState<unknown>(null);
  const run = () => {
    // What a panel's query runner does when the editor asks to run.
    const range = lastHour();
    datasource
      .query({
        targets: [latest.current],
        range,
        interval: '15s',
        intervalMs: 15000,
        maxDataPoints: 500,
        requestId: id,
        timezone: 'utc',
        app: 'dashboard',
        scopedVars: {},
        startTime: Date.now(),
      } as any)
      .subscribe({
        next: (response) => setResult(summary(response)),
        error: (error) => setResult({ errors: [String(error?.data?.message ?? error?.message ?? error)], frames: [] }),
      });
  };
  return (
    <section id={id}>
      <h2>Query editor ({datasource.uid})</h2>
      <QueryEditor datasource={datasource} query={query} onChange={setQuery} onRunQuery={run} range={lastHour()} />
      <pre className="query">{JSON.stringify(query)}</pre>
      <pre className="result">{result ? JSON.stringify(result) : ''}</pre>
    </section>
  );
}

function VariableHarness() {
  const [query, setQuery] = useState<AgentMemoryVariableQuery>({
    refId: 'variable',
    kind: 'jaeger_operations',
    service: '$service',
  });
  const [values, setValues] = useState<string>('');
  const run = async () => {
    try {
      const response = await lastValueFrom(
        (live.variables as AgentMemoryVariableSupport).query({
          targets: [query],
          range: { from: dateTime(Date.now() - 3600_000), to: dateTime() },
          scopedVars: {},
        } as any)
      );
      setValues(JSON.stringify(response.data[0]?.fields[0]?.values ?? []));
    } catch (error) {
      setValues(`error: ${(error as Error).message}`);
    }
  };
  return (
    <section id="variable">
      <h2>Variable editor ($service = agentmemory-demo)</h2>
      <VariableQueryEditor datasource={live} range={lastHour()} query={query} onChange={setQuery} />
      <button id="variable-run" onClick={run}>
        Run variable query
      </button>
      <pre id="variable-values">{values}</pre>
    </section>
  );
}

const THEME_MODE = new URLSearchParams(window.location.search).get('theme') === 'light' ? 'light' : 'dark';
const theme = createTheme({ colors: { mode: THEME_MODE } });
// Grafana's page behind the editors, so pictures show them as they look in Grafana.
document.body.style.background = theme.colors.background.primary;
document.body.style.color = theme.colors.text.primary;
// Recorded JSON wraps, so it does not widen the page past the editors.
document.head.insertAdjacentHTML('beforeend', '<style>pre { white-space: pre-wrap; word-break: break-all; }</style>');

createRoot(document.getElementById('root')!).render(
  // ?theme=light renders the page in Grafana's light theme (the editors follow useTheme2).
  <ThemeContext.Provider value={theme}>
    <ConfigHarness />
    <QueryHarness datasource={live} id="live" />
    <QueryHarness datasource={broken} id="broken" />
    <VariableHarness />
  </ThemeContext.Provider>
);
