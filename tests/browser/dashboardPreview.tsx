/**
 * A picture of a bundled dashboard's panels for the README: each panel laid out by its gridPos and
 * drawn from the frames the real backend answered for it (tests/browser/dashboardData.spec.ts
 * hands them over), with @grafana/ui's own renderers (PanelChrome, TimeSeries, BigValue, Table)
 * and our two panels. Not Grafana's dashboard page (none runs here): Grafana's logs and
 * state-timeline panels are not in @grafana/ui, so those are drawn as a plain list and our
 * breaker timeline.
 */
import React from 'react';
import { createRoot } from 'react-dom/client';
import {
  applyFieldOverrides,
  createTheme,
  dateTime,
  EventBusSrv,
  FieldType,
  LoadingState,
  type DataFrame,
  type FieldConfigSource,
  type PanelProps,
} from '@grafana/data';
import { toDataQueryResponse } from '@grafana/runtime';
import {
  BigValue,
  BigValueColorMode,
  BigValueGraphMode,
  PanelChrome,
  Table,
  ThemeContext,
  TimeSeries,
} from '@grafana/ui';
import { LegendDisplayMode } from '@grafana/schema';
import { BreakerTimelinePanel } from '../../src/panels/breaker-timeline/BreakerTimelinePanel';
import { defaultBreakerTimelineOptions } from '../../src/panels/breaker-timeline/options';
import { defaultRelevanceHeatmapOptions } from '../../src/panels/relevance-heatmap/options';
import { RelevanceHeatmapPanel } from '../../src/panels/relevance-heatmap/RelevanceHeatmapPanel';

interface PreviewPanel {
  title: string;
  type: string;
  gridPos: { x: number; y: number; w: number; h: number };
  fieldConfig: FieldConfigSource;
}

declare global {
  interface Window {
    renderDashboard: (input: {
      panels: Array<{ panel: PreviewPanel; body: unknown }>;
      range: { from: number; to: number };
    }) => void;
    dashboardRendered?: boolean;
  }
}

const COLUMN = 52;
const ROW = 30;
const GAP = 8;
const theme = createTheme({ colors: { mode: 'dark' } });

function PanelBody({
  panel,
  frames,
  width,
  height,
  range,
}: {
  panel: PreviewPanel;
  frames: DataFrame[];
  width: number;
  height: number;
  range: { from: number; to: number };
}) {
  const timeRange = { from: dateTime(range.from), to: dateTime(range.to), raw: { from: 'now-1h', to: 'now' } };
  const data = applyFieldOverrides({
    data: frames,
    fieldConfig: panel.fieldConfig ?? { defaults: {}, overrides: [] },
    replaceVariables: (s) => s,
    theme,
    timeZone: 'utc',
  });
  switch (panel.type) {
    case 'timeseries':
      return (
        <TimeSeries
          frames={data}
          width={width}
          height={height}
          timeRange={timeRange}
          timeZone="utc"
          legend={{ displayMode: LegendDisplayMode.List, placement: 'bottom', showLegend: true, calcs: [] }}
        />
      );
    case 'stat': {
      const field = data.flatMap((f) => f.fields).find((f) => f.type === FieldType.number);
      const last = field ? [...field.values].reverse().find((v) => v !== null && v !== undefined) : undefined;
      return field && field.display ? (
        <BigValue
          theme={theme}
          value={field.display(last)}
          width={width}
          height={height}
          colorMode={BigValueColorMode.Value}
          graphMode={BigValueGraphMode.None}
        />
      ) : null;
    }
    case 'table':
      return data[0] ? <Table data={data[0]} width={width} height={height} /> : null;
    case 'logs': {
      const frame = data[0];
      const body = frame?.fields.find((f) => f.name === 'body');
      const time = frame?.fields.find((f) => f.type === FieldType.time);
      return (
        <div style={{ fontFamily: theme.typography.fontFamilyMonospace, fontSize: 12, overflow: 'hidden', height }}>
          {(body?.values ?? []).slice(0, 40).map((line, i) => (
            <div key={i} style={{ whiteSpace: 'nowrap' }}>
              <span style={{ color: theme.colors.text.secondary }}>
                {time ? new Date(time.values[i]).toISOString().slice(11, 19) : ''}{' '}
              </span>
              {String(line)}
            </div>
          ))}
        </div>
      );
    }
    case 'memstack-breakertimeline-panel':
    case 'state-timeline':
    case 'memstack-relevanceheatmap-panel': {
      const props = {
        id: 1,
        data: { series: data, state: LoadingState.Done, timeRange },
        timeRange,
        timeZone: 'utc',
        transparent: true,
        width,
        height,
        renderCounter: 0,
        title: panel.title,
        eventBus: new EventBusSrv(),
        onOptionsChange: () => undefined,
        onFieldConfigChange: () => undefined,
        replaceVariables: (s: string) => s,
        onChangeTimeRange: () => undefined,
        fieldConfig: panel.fieldConfig,
      };
      return panel.type === 'memstack-relevanceheatmap-panel' ? (
        <RelevanceHeatmapPanel
          {...(props as unknown as PanelProps<typeof defaultRelevanceHeatmapOptions>)}
          options={defaultRelevanceHeatmapOptions}
        />
      ) : (
        <BreakerTimelinePanel
          {...(props as unknown as PanelProps<typeof defaultBreakerTimelineOptions>)}
          options={defaultBreakerTimelineOptions}
        />
      );
    }
    default:
      return <div>{panel.type}</div>;
  }
}

window.renderDashboard = ({ panels, range }) => {
  document.body.style.background = theme.colors.background.canvas;
  document.body.style.color = theme.colors.text.primary;
  document.body.style.fontFamily = theme.typography.fontFamily;
  const bottom = Math.max(...panels.map(({ panel }) => panel.gridPos.y + panel.gridPos.h));
  createRoot(document.getElementById('root')!).render(
    <ThemeContext.Provider value={theme}>
      <div
        id="dashboard"
        style={{ position: 'relative', width: 24 * COLUMN, height: bottom * (ROW + GAP), padding: GAP }}
      >
        {panels.map(({ panel, body }) => {
          const { x, y, w, h } = panel.gridPos;
          const width = w * COLUMN - GAP;
          const height = h * ROW + (h - 1) * GAP;
          const frames = toDataQueryResponse({ data: body as never }).data as DataFrame[];
          return (
            <div key={panel.title} style={{ position: 'absolute', left: x * COLUMN, top: y * (ROW + GAP) }}>
              <PanelChrome title={panel.title} width={width} height={height}>
                {(innerWidth, innerHeight) => (
                  <PanelBody panel={panel} frames={frames} width={innerWidth} height={innerHeight} range={range} />
                )}
              </PanelChrome>
            </div>
          );
        })}
      </div>
    </ThemeContext.Provider>
  );
  window.dashboardRendered = true;
};
