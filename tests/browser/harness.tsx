/**
 * A page that renders the data source's config editor and query editor with @grafana/ui, the
 * way Grafana mounts them, and records the requests the data source makes. Built by
 * tests/browser/build.mjs; driven in Chromium by tests/browser/editors.spec.ts.
 */
import React, { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { dateTime, type DataSourceInstanceSettings, type DataSourcePluginOptionsEditorProps } from '@grafana/data';
import {
  setBackendSrv,
  setTemplateSrv,
  type BackendSrv,
  type BackendSrvRequest,
  type TemplateSrv,
} from '@grafana/runtime';
import { ThemeContext } from '@grafana/ui';
import { createTheme } from '@grafana/data';
import { of } from 'rxjs';
import { DataSource } from '../../src/datasource/datasource';
import { ConfigEditor } from '../../src/datasource/components/ConfigEditor';
import { QueryEditor } from '../../src/datasource/components/QueryEditor';
import type { AgentMemoryOptions, AgentMemoryQuery } from '../../src/datasource/types';

declare global {
  interface Window {
    requests: BackendSrvRequest[];
  }
}
window.requests = [];

/** Records every request instead of sending it to a Grafana that is not there. */
const recorder = {
  fetch: (options: BackendSrvRequest) => {
    window.requests.push(options);
    document.getElementById('requests')!.textContent = JSON.stringify(window.requests, null, 2);
    const body = options.url.includes('/resources/') ? ['coding', 'research'] : { results: {} };
    return of({
      data: body,
      status: 200,
      ok: true,
      headers: new Headers(),
      redirected: false,
      statusText: 'OK',
      type: 'basic',
      url: options.url,
      config: options,
    });
  },
  get: async (url: string) => (url.includes('/resources/') ? ['coding', 'research'] : {}),
  post: async () => ({}),
} as unknown as BackendSrv;
setBackendSrv(recorder);
setTemplateSrv({
  replace: (text: string) => text,
  getVariables: () => [],
  containsTemplate: () => false,
  updateTimeRange: () => undefined,
} as unknown as TemplateSrv);

const settings = {
  id: 1,
  uid: 'agentmemory',
  name: 'Agent Memory',
  type: 'memstack-agentmemory-datasource',
  meta: { id: 'memstack-agentmemory-datasource', info: {} },
  jsonData: {},
  access: 'proxy',
  readOnly: false,
} as unknown as DataSourceInstanceSettings<AgentMemoryOptions>;
const datasource = new DataSource(settings);

function ConfigHarness() {
  const [options, setOptions] = useState({
    ...settings,
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

function QueryHarness() {
  const [query, setQuery] = useState<AgentMemoryQuery>({ refId: 'A', queryType: 'metrics', expr: '' });
  const run = () => {
    // What a panel's query runner does when the editor asks to run.
    const range = { from: dateTime(Date.now() - 3600_000), to: dateTime(), raw: { from: 'now-1h', to: 'now' } };
    datasource
      .query({
        targets: [query],
        range,
        interval: '15s',
        intervalMs: 15000,
        maxDataPoints: 500,
        requestId: 'harness',
        timezone: 'utc',
        app: 'dashboard',
        scopedVars: {},
        startTime: Date.now(),
      } as any)
      .subscribe({ error: () => undefined });
  };
  return (
    <section>
      <h2>Query editor</h2>
      <QueryEditor datasource={datasource} query={query} onChange={setQuery} onRunQuery={run} />
      <pre id="query">{JSON.stringify(query)}</pre>
    </section>
  );
}

createRoot(document.getElementById('root')!).render(
  <ThemeContext.Provider value={createTheme({ colors: { mode: 'dark' } })}>
    <ConfigHarness />
    <QueryHarness />
  </ThemeContext.Provider>
);
