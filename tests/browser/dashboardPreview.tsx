/**
 * A picture of a bundled dashboard's panels for the README: each panel laid out by its gridPos and
 * drawn from the frames the real backend answered for it (tests/browser/dashboardData.spec.ts
 * hands them over), with the @grafana/ui components Grafana's own panels render, given the props
 * those panels derive from the panel's saved options (legend, stat colour/graph/text modes, table
 * sort). Not Grafana's dashboard page (none runs here): what differs is written under the picture
 * (DRAWN_DIFFERENTLY, the caption).
 */
import React from 'react';
import { createRoot } from 'react-dom/client';
import {
  applyFieldOverrides,
  createTheme,
  dateTime,
  FieldColorModeId,
  FieldType,
  getDisplayValueAlignmentFactors,
  getFieldDisplayName,
  getFieldDisplayValues,
  LoadingState,
  standardTransformers,
  standardTransformersRegistry,
  transformDataFrame,
  VizOrientation,
  type DataFrame,
  type DataTransformerConfig,
  type DisplayValueAlignmentFactors,
  type FieldConfigSource,
  type FieldDisplay,
  type ReduceDataOptions,
  type TimeRange,
} from '@grafana/data';
import { toDataQueryResponse } from '@grafana/runtime';
import { firstValueFrom } from 'rxjs';
import {
  BigValueColorMode,
  BigValueGraphMode,
  BigValueJustifyMode,
  BigValueTextMode,
  PercentChangeColorMode,
  type TableSortByFieldState,
  type VizLegendOptions,
} from '@grafana/schema';
import {
  BigValue,
  GlobalStyles,
  PanelChrome,
  ThemeContext,
  TimeSeries,
  VizRepeater,
  type VizRepeaterRenderValueProps,
} from '@grafana/ui';
import { TableNG } from '@grafana/ui/unstable';
import { OurPanel } from './ourPanel';

// Grafana behaviours this file imitates, each a row of docs/grafana-behaviour.md:
//   Grafana: DASH-GRID-UNITS (docs/grafana-behaviour.md)
//   Grafana: GRAPH-NAN-GAP (docs/grafana-behaviour.md)
//   Grafana: PANEL-COLOUR-DEFAULTS (docs/grafana-behaviour.md)
//   Grafana: FIELD-CONFIG-DEFAULTS (docs/grafana-behaviour.md)

/** A panel of the dashboard JSON, with the options each renderer below reads. */
interface PreviewPanel {
  title: string;
  type: string;
  gridPos: { x: number; y: number; w: number; h: number };
  fieldConfig: FieldConfigSource;
  options?: Record<string, unknown>;
  transformations?: DataTransformerConfig[];
}

// Grafana registers its standard transformers at start-up, each loaded on first use (the registry
// item's `transformation` is a loader); outside Grafana the registry is empty.
// (`standardTransformers` lists some under two names: one registry item per id.)
standardTransformersRegistry.setInit(
  () =>
    [...new Map(Object.values(standardTransformers).map((t) => [t.id, t])).values()].map((transformation) => ({
      id: transformation.id,
      name: transformation.name,
      transformation: () => transformation,
      editor: () => null,
    })) as never
);

/**
 * Grafana: PREVIEW-TRANSFORMATIONS (docs/grafana-behaviour.md) — the panel's transformations run
 * on the answer, in order, before field overrides and the visualization.
 */
async function transformed(frames: DataFrame[], transformations: DataTransformerConfig[] = []): Promise<DataFrame[]> {
  return transformations.length === 0 ? frames : firstValueFrom(transformDataFrame(transformations, frames));
}

/** The stat panel's saved options (public/app/plugins/panel/stat/panelcfg.gen.ts). */
interface StatOptions {
  colorMode: BigValueColorMode;
  graphMode: BigValueGraphMode;
  justifyMode: BigValueJustifyMode;
  textMode: BigValueTextMode;
  wideLayout: boolean;
  showPercentChange: boolean;
  percentChangeColorMode: PercentChangeColorMode;
  orientation: VizOrientation;
  reduceOptions: ReduceDataOptions;
}

/** The logs panel's saved options that the list below honours. */
interface LogsOptions {
  showTime?: boolean;
  wrapLogMessage?: boolean;
  sortOrder?: 'Ascending' | 'Descending';
}

declare global {
  interface Window {
    renderDashboard: (input: {
      panels: Array<{ panel: PreviewPanel; body: unknown }>;
      /** Panels not drawn, with why (their data exists only where Grafana runs). */
      omitted?: Array<{ title: string; why: string }>;
      range: { from: number; to: number };
    }) => Promise<void>;
    dashboardRendered?: boolean;
  }
}

const COLUMN = 52;
const ROW = 30;
const GAP = 8;
const theme = createTheme({ colors: { mode: 'dark' } });

/** What the picture draws otherwise than Grafana does, by panel type: the caption says it. */
const DRAWN_DIFFERENTLY: Record<string, string> = {
  logs: "drawn as a plain list of lines (time and message, the panel's showTime, wrapLogMessage and sortOrder honoured): Grafana's logs panel is not part of @grafana/ui",
  'state-timeline':
    "drawn with the plugin's breaker timeline panel and its default options: Grafana's state timeline panel is not part of @grafana/ui",
};

const DRAWN_EVERYWHERE =
  "Drawn outside Grafana with @grafana/ui's components from the real backend's answers (last hour, variables at their defaults): no variable bar, time picker, panel menus or tooltips.";

function PanelBody({
  panel,
  frames,
  width,
  height,
  timeRange,
}: {
  panel: PreviewPanel;
  frames: DataFrame[];
  width: number;
  height: number;
  timeRange: TimeRange;
}) {
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
  // Header and legend names are display names (a transformation's rename sets one): fill each
  // field's cached display name, which applyFieldOverrides clears, as Grafana's panels read it.
  for (const frame of data) {
    for (const field of frame.fields) {
      getFieldDisplayName(field, frame, data);
    }
  }
  const options = panel.options ?? {};
  switch (panel.type) {
    case 'timeseries':
      // Grafana: PREVIEW-TIMESERIES-OPTIONS (docs/grafana-behaviour.md) — the panel hands its
      // saved legend options and all its options to TimeSeries.
      return (
        <TimeSeries
          frames={data}
          width={width}
          height={height}
          timeRange={timeRange}
          timeZone="utc"
          legend={options.legend as VizLegendOptions}
          options={options}
        />
      );
    case 'stat':
      return (
        <StatBody
          panel={panel}
          options={options as unknown as StatOptions}
          data={data}
          width={width}
          height={height}
          timeRange={timeRange}
        />
      );
    case 'table':
      // Grafana: PREVIEW-TABLE-OPTIONS (docs/grafana-behaviour.md) — the table panel shows its first
      // frame (options.frameIndex) with the saved header, type icons, sort and cell height.
      return (
        <TableNG
          data={data[Number(options.frameIndex ?? 0)] ?? data[0]}
          width={width}
          height={height}
          noHeader={options.showHeader === false}
          showTypeIcons={Boolean(options.showTypeIcons)}
          sortBy={options.sortBy as TableSortByFieldState[] | undefined}
          cellHeight={options.cellHeight as never}
          fieldConfig={saved}
          timeRange={timeRange}
          transparent
        />
      );
    case 'logs':
      return <LogsBody data={data} options={options as LogsOptions} height={height} />;
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

/**
 * Grafana: PREVIEW-STAT-OPTIONS (docs/grafana-behaviour.md) — as Grafana's StatPanel: one BigValue
 * per reduced value, laid out by VizRepeater, with the saved colour, graph, justify and text modes
 * (text mode auto becomes value-and-name when the panel has no title), the sparkline when the
 * graph mode is not none, and wide layout and percent change as saved.
 */
function StatBody({
  panel,
  options,
  data,
  width,
  height,
  timeRange,
}: {
  panel: PreviewPanel;
  options: StatOptions;
  data: DataFrame[];
  width: number;
  height: number;
  timeRange: TimeRange;
}) {
  const textMode =
    options.textMode === BigValueTextMode.Auto && (panel.fieldConfig.defaults.displayName || !panel.title)
      ? BigValueTextMode.ValueAndName
      : options.textMode;
  const getValues = (): FieldDisplay[] =>
    getFieldDisplayValues({
      fieldConfig: panel.fieldConfig,
      reduceOptions: options.reduceOptions,
      replaceVariables: (text) => text,
      theme,
      data,
      sparkline: options.graphMode !== BigValueGraphMode.None,
      percentChange: options.showPercentChange,
      timeZone: 'utc',
    });
  const renderValue = ({
    value,
    alignmentFactors,
    width: w,
    height: h,
    count,
  }: VizRepeaterRenderValueProps<FieldDisplay, DisplayValueAlignmentFactors>) => (
    <BigValue
      value={value.display}
      count={count}
      sparkline={value.sparkline ? { ...value.sparkline, timeRange } : undefined}
      colorMode={options.colorMode}
      graphMode={options.graphMode}
      justifyMode={options.justifyMode}
      textMode={textMode}
      alignmentFactors={alignmentFactors}
      width={w}
      height={h}
      theme={theme}
      disableWideLayout={!options.wideLayout}
      percentChangeColorMode={options.percentChangeColorMode}
    />
  );
  return (
    <VizRepeater
      getValues={getValues}
      getAlignmentFactors={getDisplayValueAlignmentFactors}
      renderValue={renderValue}
      width={width}
      height={height}
      source={{ series: data, state: LoadingState.Done, timeRange }}
      itemSpacing={3}
      renderCounter={0}
      autoGrid={true}
      orientation={options.orientation}
    />
  );
}

/** Grafana's logs panel is not in @grafana/ui: the lines as a list, in the saved order. */
function LogsBody({ data, options, height }: { data: DataFrame[]; options: LogsOptions; height: number }) {
  const frame = data[0];
  const body = frame?.fields.find((f) => f.name === 'body');
  const time = frame?.fields.find((f) => f.type === FieldType.time);
  const rows = Array.from({ length: frame?.length ?? 0 }, (_, i) => i);
  const newestFirst = options.sortOrder !== 'Ascending';
  if (time) {
    rows.sort((a, b) => (newestFirst ? time.values[b] - time.values[a] : time.values[a] - time.values[b]));
  }
  const wrap = options.wrapLogMessage ? 'normal' : 'nowrap';
  return (
    <div
      data-testid="preview-logs"
      style={{ fontFamily: theme.typography.fontFamilyMonospace, fontSize: 12, overflow: 'hidden', height }}
    >
      {rows.slice(0, 40).map((row) => (
        <div key={row} data-time={time?.values[row]} style={{ whiteSpace: wrap, overflowWrap: 'anywhere' }}>
          {options.showTime !== false && time && (
            <span style={{ color: theme.colors.text.secondary }}>
              {new Date(time.values[row]).toISOString().slice(11, 19)}{' '}
            </span>
          )}
          {String(body?.values[row] ?? '')}
        </div>
      ))}
    </div>
  );
}

/** The caption under the picture: what is drawn otherwise than Grafana draws it, panel by panel. */
function Caption({ panels, omitted }: { panels: PreviewPanel[]; omitted: Array<{ title: string; why: string }> }) {
  const differing = panels.filter((p) => DRAWN_DIFFERENTLY[p.type]);
  return (
    <figcaption
      id="preview-caption"
      style={{ color: theme.colors.text.secondary, fontSize: 12, padding: `${GAP}px 0`, lineHeight: 1.5 }}
    >
      <div>{DRAWN_EVERYWHERE}</div>
      {differing.map((p) => (
        <div key={p.title} data-panel-title={p.title}>
          “{p.title}” ({p.type}): {DRAWN_DIFFERENTLY[p.type]}.
        </div>
      ))}
      {omitted.map((o) => (
        <div key={o.title} data-panel-title={o.title}>
          “{o.title}”: not drawn, {o.why}.
        </div>
      ))}
    </figcaption>
  );
}

window.renderDashboard = async ({ panels, omitted = [], range }) => {
  const framesOf = await Promise.all(
    panels.map(({ panel, body }) =>
      transformed(toDataQueryResponse({ data: body as never }).data as DataFrame[], panel.transformations)
    )
  );
  const timeRange = { from: dateTime(range.from), to: dateTime(range.to), raw: { from: 'now-1h', to: 'now' } };
  const bottom = Math.max(...panels.map(({ panel }) => panel.gridPos.y + panel.gridPos.h));
  createRoot(document.getElementById('root')!).render(
    <ThemeContext.Provider value={theme}>
      {/* Grafana: PREVIEW-GLOBAL-STYLES (docs/grafana-behaviour.md) — Grafana's app root renders
          @grafana/ui's GlobalStyles (body colours and font, buttons inheriting the text colour,
          as the legend's series names are buttons). */}
      <GlobalStyles />
      <figure id="dashboard" style={{ margin: 0, width: 24 * COLUMN, padding: GAP }}>
        <div style={{ position: 'relative', height: bottom * (ROW + GAP) }}>
          {panels.map(({ panel }, index) => {
            const { x, y, w, h } = panel.gridPos;
            const width = w * COLUMN - GAP;
            const height = h * ROW + (h - 1) * GAP;
            const frames = framesOf[index];
            return (
              <div
                key={panel.title}
                data-panel-type={panel.type}
                data-panel-title={panel.title}
                style={{ position: 'absolute', left: x * COLUMN, top: y * (ROW + GAP) }}
              >
                <PanelChrome title={panel.title} width={width} height={height}>
                  {(innerWidth, innerHeight) => (
                    <PanelBody
                      panel={panel}
                      frames={frames}
                      width={innerWidth}
                      height={innerHeight}
                      timeRange={timeRange}
                    />
                  )}
                </PanelChrome>
              </div>
            );
          })}
        </div>
        <Caption panels={panels.map((p) => p.panel)} omitted={omitted} />
      </figure>
    </ThemeContext.Provider>
  );
  window.dashboardRendered = true;
};
