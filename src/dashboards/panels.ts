import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import * as logs from '@grafana/grafana-foundation-sdk/logs';
import { AgentMemoryQuery, BREAKER_PANEL_ID, DATASOURCE, HEATMAP_PANEL_ID, thresholds } from './common';

/** Adds the targets with refIds A, B, C… in order, as Grafana names them. */
function withTargets<P extends { withTarget(target: AgentMemoryQuery): unknown }>(
  panel: P,
  targets: AgentMemoryQuery[]
): P {
  targets.forEach((t, i) => panel.withTarget(t.refId(String.fromCharCode(65 + i))));
  return panel;
}

/** Panel builders with the defaults every bundled panel shares: our data source, a title, a description, a unit. */

export function timeSeriesPanel(title: string, description: string, unit: string, ...targets: AgentMemoryQuery[]) {
  const panel = new timeseries.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .unit(unit)
    .lineWidth(1)
    .fillOpacity(10)
    .showPoints(common.VisibilityMode.Never)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom)
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending)
    );
  return withTargets(panel, targets);
}

/**
 * A red line across a time series at the value an alert rule fires on; the value comes from
 * THRESHOLDS of @memstack/telemetry/signals, as the rule's does. The axis reaches at least twice the value, so the line
 * sits mid-panel when every value is far below it (an error share of 0 would otherwise get an
 * axis of 0–100 and the line would lie on the floor).
 */
export function withAlertLine(panel: timeseries.PanelBuilder, value: number): timeseries.PanelBuilder {
  return panel
    .axisSoftMax(2 * value)
    .thresholds(thresholds('transparent', [[value, 'red']]))
    .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Line));
}

export function statPanel(title: string, description: string, unit: string, ...targets: AgentMemoryQuery[]) {
  const panel = new stat.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .unit(unit)
    .colorMode(common.BigValueColorMode.Background)
    .graphMode(common.BigValueGraphMode.Area)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
  return withTargets(panel, targets);
}

export function stateTimelinePanel(title: string, description: string, unit: string, ...targets: AgentMemoryQuery[]) {
  const panel = new statetimeline.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .unit(unit)
    .showValue(common.VisibilityMode.Auto)
    .mergeValues(true)
    .rowHeight(0.8);
  return withTargets(panel, targets);
}

export function tablePanel(title: string, description: string, unit: string, ...targets: AgentMemoryQuery[]) {
  const panel = new table.PanelBuilder().title(title).description(description).datasource(DATASOURCE).unit(unit);
  return withTargets(panel, targets);
}

export function logsPanel(title: string, description: string, ...targets: AgentMemoryQuery[]) {
  const panel = new logs.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    // Log lines have no unit; "none" keeps the lint rule for units uniform.
    .unit('none')
    .showTime(true)
    .wrapLogMessage(true)
    .enableLogDetails(true)
    .sortOrder(common.LogsSortOrder.Descending);
  return withTargets(panel, targets);
}

/** One of this app's own panels (no foundation-sdk builder exists for third-party panels). */
function appPanel(
  type: string,
  title: string,
  description: string,
  unit: string,
  options: object,
  targets: AgentMemoryQuery[]
) {
  const panel = new dashboard.PanelBuilder()
    .type(type)
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .unit(unit)
    .options(options);
  return withTargets(panel, targets);
}

export const breakerTimelinePanel = (
  title: string,
  description: string,
  options: object,
  ...targets: AgentMemoryQuery[]
) => appPanel(BREAKER_PANEL_ID, title, description, 'none', options, targets);

export const relevanceHeatmapPanel = (
  title: string,
  description: string,
  unit: string,
  options: object,
  ...targets: AgentMemoryQuery[]
) => appPanel(HEATMAP_PANEL_ID, title, description, unit, options, targets);
