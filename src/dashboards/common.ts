import * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { MetricsQueryModel, QueryModel } from '../../contract/queries';
import type { AgentMemoryVariableQueryModel } from '../../contract/resources';
import type { StateEncoding } from '@memstack/telemetry/signals';
import { DATASOURCE_PLUGIN_ID } from '../constants';

import { DASHBOARD_UIDS, type DashboardUid } from './uids';
export { DASHBOARD_UIDS, type DashboardUid } from './uids';

export const DASHBOARD_TAG = 'agent-memory';
export const BREAKER_PANEL_ID = 'memstack-breakertimeline-panel';
export const HEATMAP_PANEL_ID = 'memstack-relevanceheatmap-panel';

/**
 * Every panel and variable reaches data through this variable: app dashboards are imported
 * without resolving `${DS_…}` inputs, so a uid must never be written into them.
 */
export const DATASOURCE_VARIABLE = 'datasource';
export const DATASOURCE: common.DataSourceRef = { type: DATASOURCE_PLUGIN_ID, uid: `\${${DATASOURCE_VARIABLE}}` };

export function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder(DATASOURCE_VARIABLE)
    .label('Data source')
    .type(DATASOURCE_PLUGIN_ID)
    .description('Agent Memory data source the panels query');
}

/** A query of our data source (cog's extension point for third-party query types). */
export class AgentMemoryQuery implements cog.Builder<cog.Dataquery> {
  private readonly query: QueryModel & { refId?: string; datasource?: common.DataSourceRef };

  constructor(model: QueryModel) {
    this.query = { ...model, datasource: DATASOURCE };
  }

  refId(refId: string): this {
    this.query.refId = refId;
    return this;
  }

  build(): cog.Dataquery {
    return { ...this.query, _implementsDataqueryVariant() {} } as cog.Dataquery;
  }
}

export const metricsQuery = (
  expr: string,
  legendFormat: string,
  extra: Pick<MetricsQueryModel, 'minStep' | 'instant'> = {}
) => new AgentMemoryQuery({ queryType: 'metrics', expr, legendFormat, ...extra });

/**
 * How "All" reaches a query: as a regex matching every value (PromQL matchers, inserted as
 * written: `.*`, or `.+` for labels every series carries, as monitoring mixins write their
 * job/instance variables), as the list of every value (event filters, which are exact terms), or
 * not offered (a single-value variable, which starts at the first value Grafana lists).
 */
export type AllMode = 'regex' | 'regex-non-empty' | 'every-value' | 'single';

const ALL_VALUES: Partial<Record<AllMode, string>> = { regex: '.*', 'regex-non-empty': '.+' };

/** A variable whose values our data source's variable support lists; multi-value ones start at All. */
export function queryVariable(
  name: string,
  label: string,
  query: AgentMemoryVariableQueryModel,
  description: string,
  all: AllMode = 'regex'
): dashboard.QueryVariableBuilder {
  const multi = all !== 'single';
  const variable = new dashboard.QueryVariableBuilder(name)
    .label(label)
    .description(description)
    .datasource(DATASOURCE)
    .query(query as unknown as Record<string, unknown>)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalCaseInsensitiveAsc)
    .multi(multi)
    .includeAll(multi);
  const allValue = ALL_VALUES[all];
  if (allValue !== undefined) {
    variable.allValue(allValue);
  }
  return multi ? variable.current({ selected: true, text: ['All'], value: ['$__all'] }) : variable;
}

/**
 * Links from one dashboard to each of the others, keeping the time range and variables, shown in
 * the dashboard's link bar. The SDK's DashboardLinkBuilder starts from `placement: inControlsMenu`,
 * which current Grafana shows only inside the "Dashboard controls" menu; the link bar shows links
 * whose placement is unset. Grafana: DASH-LINK-PLACEMENT (docs/grafana-behaviour.md)
 */
export function dashboardLinks(
  self: DashboardUid,
  titles: Record<DashboardUid, string>
): Array<cog.Builder<dashboard.DashboardLink>> {
  return (Object.keys(titles) as DashboardUid[])
    .filter((uid) => uid !== self)
    .map(
      (uid) =>
        new LinkBarLink(
          new dashboard.DashboardLinkBuilder(titles[uid])
            .type(dashboard.DashboardLinkType.Link)
            .url(`/d/${uid}`)
            .icon('dashboard')
            .tooltip(`Open ${titles[uid]}`)
            .keepTime(true)
            .includeVars(true)
            .targetBlank(false)
            .asDropdown(false)
            .tags([])
        )
    );
}

/** A dashboard link without a placement, so Grafana shows it in the link bar. */
class LinkBarLink implements cog.Builder<dashboard.DashboardLink> {
  constructor(private readonly link: cog.Builder<dashboard.DashboardLink>) {}

  build(): dashboard.DashboardLink {
    const { placement: _inControlsMenu, ...inLinkBar } = this.link.build();
    return inLinkBar as dashboard.DashboardLink;
  }
}

const TEN_MINUTES_MS = 600_000;

/**
 * A drill-down from a series of one operation to its logs and traces in the ten minutes around
 * the point clicked (Grafana's `time` and `time.window` URL parameters): the Logs and Traces
 * dashboard, filtered by the series' operation label.
 */
export function logsAndTracesLink(label: 'operation' | 'endpoint' = 'operation'): cog.Builder<dashboard.DashboardLink> {
  const filter = label === 'operation' ? '&var-operation=${__field.labels.operation}' : '';
  return new DataLinkBuilder(
    label === 'operation' ? 'Logs and traces of ${__field.labels.operation}' : 'Logs and traces at this time',
    `/d/${DASHBOARD_UIDS.logsTraces}?\${${DATASOURCE_VARIABLE}:queryparam}${filter}&time=\${__value.time}&time.window=${TEN_MINUTES_MS}`
  );
}

/** The variable of the Memory Quality dashboard that picks one memory whose history its panels show. */
export const MEMORY_ID_VARIABLE = 'memory_id';

/**
 * From a row of memories (its `idField` holding the memory id) to that memory's history on the
 * Memory Quality dashboard, over the same time range: the history panel lists its writes, and the
 * writes table opens the trace of each.
 */
export function memoryHistoryLink(idField: string): cog.Builder<dashboard.DashboardLink> {
  return new DataLinkBuilder(
    'History and traces of this memory',
    `/d/${DASHBOARD_UIDS.quality}?\${${DATASOURCE_VARIABLE}:queryparam}&var-${MEMORY_ID_VARIABLE}=\${__data.fields.${idField}}&\${__url_time_range}`
  );
}

/**
 * A field data link. The SDK types field links as dashboard links, whose other fields (type,
 * tags, keepTime…) a data link does not have; this writes only what Grafana reads.
 */
class DataLinkBuilder implements cog.Builder<dashboard.DashboardLink> {
  constructor(
    private readonly title: string,
    private readonly url: string
  ) {}

  build(): dashboard.DashboardLink {
    return { title: this.title, url: this.url, targetBlank: false } as dashboard.DashboardLink;
  }
}

/** How Grafana fills an annotation's key from a frame: a field by name, or a fixed text. */
export interface AnnotationMapping {
  source: 'field' | 'text';
  value: string;
}

/**
 * An annotation layer that runs a query of our data source. Grafana runs it through its standard
 * annotation support, which a data source opts into with `annotations = {}`
 * (src/datasource/datasource.ts): `target` is the query, every row of the returned frames becomes
 * an event at its time field, with the text the mappings name (else the first string field; no
 * text, no events). Without a `placement` its toggle shows above the panels, like the link bar.
 * Grafana: ANNOTATION-STANDARD-QUERY, DASH-LINK-PLACEMENT (docs/grafana-behaviour.md)
 */
export function annotationLayer(
  name: string,
  iconColor: string,
  query: AgentMemoryQuery,
  mappings: Partial<Record<'text' | 'title' | 'tags', AnnotationMapping>>
): cog.Builder<dashboard.AnnotationQuery> {
  return {
    build: () =>
      ({
        name,
        enable: true,
        iconColor,
        datasource: DATASOURCE,
        target: query.refId('Anno').build(),
        mappings,
      }) as dashboard.AnnotationQuery,
  };
}

/** Thresholds from a base colour and [value, colour] steps. */
export function thresholds(base: string, steps: Array<[number, string]>): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps([{ value: null, color: base }, ...steps.map(([value, color]) => ({ value, color }))]);
}

/** Value → text and colour mappings of a state encoding (the SDK's breaker or degradation states). */
export function stateMappings(
  states: ReadonlyArray<Pick<StateEncoding, 'value' | 'display' | 'colour'>>
): dashboard.ValueMapping[] {
  const options: Record<string, dashboard.ValueMappingResult> = {};
  states.forEach((s, index) => {
    options[String(s.value)] = { text: s.display, color: s.colour, index };
  });
  return [{ type: dashboard.MappingType.ValueToText, options }];
}

interface Placeable extends cog.Builder<dashboard.Panel> {
  gridPos(pos: dashboard.GridPos): unknown;
}

/** What one bundled dashboard defines; its uid, title and shared header come from index.ts. */
export interface DashboardContent {
  description: string;
  panels: Placeable[];
  variables: dashboard.QueryVariableBuilder[];
  annotations?: Array<cog.Builder<dashboard.AnnotationQuery>>;
}

/**
 * Lays panels out in rows of Grafana's 24-column grid: each entry is [panel, width, height];
 * a panel that does not fit the current row starts the next one.
 */
export function layout(entries: Array<[Placeable, number, number]>, startY = 0): Placeable[] {
  let x = 0;
  let y = startY;
  let rowHeight = 0;
  for (const [panel, w, h] of entries) {
    if (x + w > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    panel.gridPos({ x, y, w, h });
    x += w;
    rowHeight = Math.max(rowHeight, h);
  }
  return entries.map(([panel]) => panel);
}
