/**
 * A picture of a bundled dashboard's panels for the README: each panel laid out by its gridPos and
 * drawn from the frames the real backend answered for it (tests/browser/dashboardData.spec.ts
 * hands them over), with @grafana/ui's own renderers (PanelChrome, TimeSeries, BigValue) and our
 * two panels. Not Grafana's dashboard page (none runs here): Grafana's logs and state-timeline
 * panels are not in @grafana/ui (drawn as a list of lines and with our breaker timeline), and
 * tables are plain HTML tables of the display values.
 */
import React from 'react';
import { createRoot } from 'react-dom/client';
import {
  applyFieldOverrides,
  createTheme,
  dateTime,
  FieldColorModeId,
  FieldType,
  formattedValueToString,
  getFieldDisplayName,
  type DataFrame,
  type FieldConfigSource,
} from '@grafana/data';
import { toDataQueryResponse } from '@grafana/runtime';
import { BigValue, BigValueColorMode, BigValueGraphMode, PanelChrome, ThemeContext, TimeSeries } from '@grafana/ui';
import { LegendDisplayMode } from '@grafana/schema';
import { OurPanel } from './ourPanel';

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
  // The panel's saved defaults on every field (applyFieldOverrides copies only what Grafana's
  // option registry knows, which is empty outside Grafana), plus what each panel plugin adds: a
  // colour mode (series palette for graphs, thresholds for stats). NaN (a quantile of no
  // observations, 0/0) is a gap, as Grafana's graph draws it.
  const saved = panel.fieldConfig ?? { defaults: {}, overrides: [] };
  const colour = { mode: panel.type === 'stat' ? FieldColorModeId.Thresholds : FieldColorModeId.PaletteClassic };
  const merged = frames.map((frame) => ({
    ...frame,
    fields: frame.fields.map((field) => ({
      ...field,
      values: field.type === FieldType.number ? field.values.map((v) => (Number.isNaN(v) ? null : v)) : field.values,
      config: { color: colour, ...saved.defaults, ...field.config },
    })),
  }));
  const data = applyFieldOverrides({
    data: merged,
    fieldConfig: { defaults: {}, overrides: saved.overrides ?? [] },
    replaceVariables: (text) => text,
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
      const fields = data.flatMap((frame) =>
        frame.fields.filter((f) => f.type === FieldType.number && f.display).map((field) => ({ frame, field }))
      );
      const each = width / Math.max(1, fields.length);
      return (
        <div style={{ display: 'flex' }}>
          {fields.map(({ frame, field }, i) => {
            const last = [...field.values].reverse().find((v) => v !== null && v !== undefined);
            return (
              <BigValue
                key={i}
                theme={theme}
                value={{
                  ...field.display!(last),
                  title: fields.length > 1 ? getFieldDisplayName(field, frame, data) : undefined,
                }}
                width={each}
                height={height}
                colorMode={BigValueColorMode.Value}
                graphMode={BigValueGraphMode.None}
              />
            );
          })}
        </div>
      );
    }
    case 'table': {
      // @grafana/ui's Table keeps re-measuring outside Grafana's panel context: a plain table of
      // the frame's display values instead.
      const frame = data[0];
      const fields = frame?.fields.filter((f) => f.config.custom?.hidden !== true) ?? [];
      const cell = {
        padding: '4px 8px',
        borderBottom: `1px solid ${theme.colors.border.weak}`,
        textAlign: 'left' as const,
      };
      return (
        <div style={{ overflow: 'hidden', height, fontSize: 12 }}>
          <table style={{ borderCollapse: 'collapse', width: '100%' }}>
            <thead>
              <tr>
                {fields.map((f) => (
                  <th key={f.name} style={{ ...cell, color: theme.colors.text.secondary }}>
                    {getFieldDisplayName(f, frame, data)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {Array.from({ length: Math.min(frame?.length ?? 0, 20) }, (_, row) => (
                <tr key={row}>
                  {fields.map((f) => (
                    <td key={f.name} style={cell}>
                      {f.display ? formattedValueToString(f.display(f.values[row])) : String(f.values[row] ?? '')}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
    }
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
    case 'memstack-relevanceheatmap-panel':
      return (
        <OurPanel
          kind={panel.type === 'memstack-relevanceheatmap-panel' ? 'heatmap' : 'breaker'}
          frames={data}
          timeRange={timeRange}
          width={width}
          height={height}
          title={panel.title}
          fieldConfig={panel.fieldConfig}
          transparent
        />
      );
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
