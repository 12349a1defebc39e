/**
 * Renders one of our panels the way a dashboard does, for tests/browser/panels.spec.ts and the
 * screenshots in docs/img. `?scenario=` picks the data: the bundled dashboard's own target run
 * through the Grafana stand-in (real backend, real Prometheus, the running demo), or an edge case
 * built here (no data, one service, 1,000 services, all null, one bucket). `?theme=light|dark`.
 */
import React from 'react';
import { createRoot } from 'react-dom/client';
import {
  createTheme,
  dataFrameFromJSON,
  dateTime,
  FieldType,
  toDataFrame,
  type DataFrame,
  type DataFrameJSON,
  type FieldConfigSource,
} from '@grafana/data';
import { ThemeContext } from '@grafana/ui';
import opsDashboard from '../../src/dashboards/ai-agent-ops.json';
import { interpolateQuery } from '../../src/datasource/interpolate';
import type { AgentMemoryDataQuery } from '../../src/datasource/types';
import { OurPanel } from './ourPanel';

// Grafana behaviours this file imitates, each a row of docs/grafana-behaviour.md:
//   Grafana: FIELD-CONFIG-DEFAULTS (docs/grafana-behaviour.md)
//   Grafana: DS-QUERY-API (docs/grafana-behaviour.md)

declare global {
  interface Window {
    panelReady?: boolean;
    zoomedTo?: { from: number; to: number };
  }
}

// The React this page was bundled with, for harnessVersions.spec.ts (tests/compat/README.md).
document.documentElement.dataset.react = React.version;

const params = new URLSearchParams(window.location.search);
const scenario = params.get('scenario') ?? 'demo-breakers';
const theme = createTheme({ colors: { mode: params.get('theme') === 'light' ? 'light' : 'dark' } });
const WIDTH = 900;
const HEIGHT = 320;
const now = Date.now();
const range = { from: now - 3600_000, to: now };

/** The bundled panel of that type on the AI Agent Memory Operations dashboard. */
function bundledPanel(type: string) {
  const panel = opsDashboard.panels.find((p) => p.type === type);
  if (!panel) {
    throw new Error(`no ${type} panel on the bundled dashboard`);
  }
  return panel as unknown as { targets: AgentMemoryDataQuery[]; fieldConfig: FieldConfigSource; options: object };
}

/** The panel's targets through the stand-in's /api/ds/query, variables at All (.*), as Grafana runs them. */
async function demoFrames(type: string): Promise<DataFrame[]> {
  const panel = bundledPanel(type);
  const queries = panel.targets.map((t) => ({
    ...interpolateQuery(t, (name, token) =>
      name === 'datasource' ? { values: ['agentmemory'] } : name.startsWith('__') ? { raw: token } : { raw: '.*' }
    ),
    datasource: { type: 'memstack-agentmemory-datasource', uid: 'agentmemory' },
    intervalMs: 15_000,
    maxDataPoints: WIDTH,
  }));
  const response = await fetch('/api/ds/query', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ queries, from: String(range.from), to: String(range.to) }),
  });
  const body = await response.json();
  if (!response.ok) {
    throw new Error(JSON.stringify(body));
  }
  return Object.values(body.results as Record<string, { frames?: DataFrameJSON[]; error?: string }>).flatMap((r) => {
    if (r.error) {
      throw new Error(r.error);
    }
    return (r.frames ?? []).map((f) => withDefaults(dataFrameFromJSON(f), panel.fieldConfig));
  });
}

/** The panel's field config defaults on each field (what Grafana's field overrides apply first). */
function withDefaults(frame: DataFrame, fieldConfig: FieldConfigSource): DataFrame {
  return { ...frame, fields: frame.fields.map((f) => ({ ...f, config: { ...fieldConfig.defaults, ...f.config } })) };
}

const step = 15_000;
// 240 samples that cover the hour exactly: each holds its state for one step.
const times = Array.from({ length: 240 }, (_, i) => range.from + i * step);
const series = (labels: Record<string, string>, values: Array<number | null>) =>
  toDataFrame({
    fields: [
      { name: 'Time', type: FieldType.time, values: times, config: { interval: step } },
      { name: 'Value', type: FieldType.number, values, labels },
    ],
  });
const bucket = (le: string, values: Array<number | null>) => series({ le }, values);

/** One service: closed, open for 15 minutes from the 60th sample, half-open for 5, closed again. */
const oneService = times.map((_, i) => (i >= 60 && i < 120 ? 1 : i >= 120 && i < 140 ? 2 : 0));

const scenarios: Record<string, () => Promise<{ kind: 'breaker' | 'heatmap'; frames: DataFrame[] }>> = {
  'demo-breakers': async () => ({ kind: 'breaker', frames: await demoFrames('memstack-breakertimeline-panel') }),
  'demo-heatmap': async () => ({ kind: 'heatmap', frames: await demoFrames('memstack-relevanceheatmap-panel') }),
  'breaker-empty': async () => ({ kind: 'breaker', frames: [] }),
  'breaker-one-service': async () => ({ kind: 'breaker', frames: [series({ service_name: 'neo4j' }, oneService)] }),
  'breaker-1000-services': async () => ({
    kind: 'breaker',
    frames: Array.from({ length: 1000 }, (_, s) =>
      series(
        { service_name: `svc-${String(s).padStart(4, '0')}` },
        times.map((_, i) => ((i + s) % 97 < 5 ? 1 : (i + s) % 97 < 8 ? 2 : 0))
      )
    ),
  }),
  'breaker-all-null': async () => ({
    kind: 'breaker',
    frames: [
      series(
        { service_name: 'redis' },
        times.map(() => null)
      ),
    ],
  }),
  'heatmap-empty': async () => ({ kind: 'heatmap', frames: [] }),
  'heatmap-all-null': async () => ({
    kind: 'heatmap',
    frames: [
      bucket(
        '0.5',
        times.map(() => null)
      ),
      bucket(
        '+Inf',
        times.map(() => null)
      ),
    ],
  }),
  'heatmap-one-bucket': async () => ({
    kind: 'heatmap',
    frames: [
      bucket(
        '+Inf',
        times.map((_, i) => 1 + (i % 10))
      ),
    ],
  }),
};

function Panel({ kind, frames }: { kind: 'breaker' | 'heatmap'; frames: DataFrame[] }) {
  const timeRange = { from: dateTime(range.from), to: dateTime(range.to), raw: { from: 'now-1h', to: 'now' } };
  const type = kind === 'breaker' ? 'memstack-breakertimeline-panel' : 'memstack-relevanceheatmap-panel';
  return (
    <OurPanel
      kind={kind}
      frames={frames}
      timeRange={timeRange}
      width={WIDTH}
      height={HEIGHT}
      title={kind}
      fieldConfig={bundledPanel(type).fieldConfig}
      onChangeTimeRange={(r) => (window.zoomedTo = r)}
    />
  );
}

async function main() {
  document.body.style.background = theme.colors.background.primary;
  document.body.style.color = theme.colors.text.primary;
  document.body.style.fontFamily = theme.typography.fontFamily;
  const root = createRoot(document.getElementById('root')!);
  try {
    const data = await scenarios[scenario]();
    root.render(
      <ThemeContext.Provider value={theme}>
        <div
          id="panel"
          style={{ width: WIDTH, height: HEIGHT, padding: 8, background: theme.colors.background.primary }}
        >
          <Panel {...data} />
        </div>
      </ThemeContext.Provider>
    );
  } catch (e) {
    root.render(<pre id="error">{String(e)}</pre>);
  }
  requestAnimationFrame(() => requestAnimationFrame(() => (window.panelReady = true)));
}
main();
