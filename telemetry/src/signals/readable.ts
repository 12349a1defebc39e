import { CATALOG, type MetricType } from './catalog.js';

/**
 * Every metric a bundled dashboard reads, with its type and labels: the product's own catalog
 * plus the exporters the guide's System Health dashboard reads and the data source backend's own. Dashboards name metrics only through this module, so the lint test can check
 * each expression against the type and labels of what it reads.
 */
export interface ReadableMetric {
  readonly name: string;
  readonly type: MetricType;
  readonly labelNames: readonly string[];
}

/** Labels Prometheus adds to every scraped series. */
export const TARGET_LABELS = ['job', 'instance'] as const;

/** prometheus-node-exporter and prometheus-postgres-exporter metrics the dashboards read. */
export const EXPORTER_METRICS = {
  nodeCpuSeconds: { name: 'node_cpu_seconds_total', type: 'counter', labelNames: ['cpu', 'mode'] },
  nodeMemoryAvailable: { name: 'node_memory_MemAvailable_bytes', type: 'gauge', labelNames: [] },
  nodeMemoryTotal: { name: 'node_memory_MemTotal_bytes', type: 'gauge', labelNames: [] },
  pgConnections: {
    name: 'pg_stat_activity_count',
    type: 'gauge',
    labelNames: ['datname', 'state', 'server'],
  },
  pgMaxConnections: { name: 'pg_settings_max_connections', type: 'gauge', labelNames: ['server'] },
  pgLongestTransaction: {
    name: 'pg_stat_activity_max_tx_duration',
    type: 'gauge',
    labelNames: ['datname', 'state', 'server'],
  },
} as const satisfies Record<string, ReadableMetric>;

/**
 * The data source backend's own circuit breaker gauge, served by Grafana at
 * /metrics/plugins/<plugin id>, which needs no login by default (Grafana: PLUGIN-METRICS-UNAUTH,
 * docs/grafana-behaviour.md). So its labels name no upstream host: the source and an opaque
 * per-process key of the data source instance (SourceSettings.instanceKey), named instance_id
 * because Prometheus gives every scraped series its own `instance` label. Its name differs from
 * the memory service's `circuit_breaker_state`, so that neither's panels show the other's breakers,
 * whatever job names a Prometheus gives the two scrapes.
 */
export const PLUGIN_BREAKER_METRIC = {
  name: 'agentmemory_backend_circuit_breaker_state',
  type: 'gauge',
  help: 'State of the data source backend circuit breaker of one upstream source of one data source instance (0=closed, 1=open, 2=half-open)',
  labelNames: ['source', 'instance_id'],
} as const;

/** The data source backend's own metrics the dashboards read (served by Grafana at /metrics/plugins/<id>). */
export const PLUGIN_METRICS = {
  dataSourceBreakerState: PLUGIN_BREAKER_METRIC,
} as const satisfies Record<string, ReadableMetric>;

export const METRICS = { ...CATALOG, ...EXPORTER_METRICS, ...PLUGIN_METRICS } as const;
export type MetricKey = keyof typeof METRICS;
type Def<K extends MetricKey> = (typeof METRICS)[K];
/** The labels a metric has (its own plus the scrape target's). */
export type LabelOf<K extends MetricKey> = Def<K>['labelNames'][number] | (typeof TARGET_LABELS)[number];

/** Series names of a metric as Prometheus stores it: histograms and summaries have parts. */
export function seriesNames(def: ReadableMetric): string[] {
  switch (def.type) {
    case 'histogram':
      return [`${def.name}_bucket`, `${def.name}_sum`, `${def.name}_count`];
    case 'summary':
      return [def.name, `${def.name}_sum`, `${def.name}_count`];
    default:
      return [def.name];
  }
}

/** The metric a stored series name belongs to, with the part it names. */
export function metricOfSeries(
  series: string
): { def: ReadableMetric; part: 'value' | 'bucket' | 'sum' | 'count' } | undefined {
  const all: ReadableMetric[] = Object.values(METRICS);
  for (const def of all) {
    if (series === def.name) {
      return { def, part: 'value' };
    }
    for (const part of ['bucket', 'sum', 'count'] as const) {
      if (
        series === `${def.name}_${part}` &&
        (def.type === 'histogram' || (def.type === 'summary' && part !== 'bucket'))
      ) {
        return { def, part };
      }
    }
  }
  return undefined;
}
