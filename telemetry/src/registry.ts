import { Counter, Gauge, Histogram, Registry, Summary, type Aggregator } from 'prom-client';
import {
  CATALOG,
  type CatalogKey,
  type ClusterAggregation,
  FORBIDDEN_METRIC_LABELS,
  type MetricDefinition,
} from './catalog.js';

type MetricFor<K extends CatalogKey> = (typeof CATALOG)[K]['type'] extends 'counter'
  ? Counter<string>
  : (typeof CATALOG)[K]['type'] extends 'gauge'
    ? Gauge<string>
    : (typeof CATALOG)[K]['type'] extends 'histogram'
      ? Histogram<string>
      : Summary<string>;

export type CatalogMetrics = { [K in CatalogKey]: MetricFor<K> };

export interface TelemetryRegistryOptions {
  /** The user's own registry (Prometheus text or OpenMetrics); a fresh one is created when absent (nothing global is touched). */
  registry?: Registry<any>;
  /** Labels added to every series, e.g. `{ service: 'memory-api' }`. */
  defaultLabels?: Record<string, string>;
}

export interface TelemetryRegistry {
  readonly registry: Registry<any>;
  readonly metrics: CatalogMetrics;
  /** True when the registry speaks OpenMetrics and the histograms carry exemplars. */
  readonly exemplars: boolean;
}

/**
 * The `aggregator` a prom-client metric declares for a catalog choice. prom-client has no
 * per-worker aggregation: for `per_worker` metrics its own `AggregatorRegistry.clusterMetrics()`
 * takes the maximum, as the dashboards do across processes; the SDK's ClusterMetricsPrimary
 * keeps one series per worker instead.
 */
export function promClientAggregator(aggregation: ClusterAggregation): Aggregator {
  return aggregation === 'per_worker' ? 'max' : aggregation;
}

/** Creates one prom-client metric for a catalog entry, registered on `registry` only. */
export function createMetric(
  def: MetricDefinition,
  registry: Registry<any>,
  enableExemplars = false
): Counter | Gauge | Histogram | Summary {
  const forbidden = def.labelNames.filter((l) => FORBIDDEN_METRIC_LABELS.includes(l));
  if (forbidden.length > 0) {
    throw new Error(`catalog metric ${def.name} declares forbidden label(s) ${forbidden.join(', ')}`);
  }
  const common = {
    name: def.name,
    help: def.help,
    labelNames: [...def.labelNames],
    registers: [registry],
    aggregator: promClientAggregator(def.aggregator),
  };
  switch (def.type) {
    case 'counter':
      return new Counter(common);
    case 'gauge':
      return new Gauge(common);
    case 'histogram':
      return new Histogram({ ...common, buckets: [...(def.buckets ?? [])], enableExemplars });
    case 'summary':
      return new Summary(common);
  }
}

/**
 * Registers every catalog metric on one registry. A metric of the same name that the registry
 * already holds is reused, so two SDK instances can share the user's registry.
 */
export function createTelemetryRegistry(options: TelemetryRegistryOptions = {}): TelemetryRegistry {
  const registry = options.registry ?? new Registry();
  if (options.defaultLabels) {
    registry.setDefaultLabels(options.defaultLabels);
  }
  // Exemplars exist only in OpenMetrics; prom-client refuses them on a Prometheus-text registry.
  const exemplars = (registry.contentType as string) === Registry.OPENMETRICS_CONTENT_TYPE;
  const metrics = {} as Record<CatalogKey, unknown>;
  for (const key of Object.keys(CATALOG) as CatalogKey[]) {
    const def: MetricDefinition = CATALOG[key];
    metrics[key] =
      registry.getSingleMetric(def.name) ?? createMetric(def, registry, exemplars && key === 'memoryOperationDuration');
  }
  return { registry, metrics: metrics as CatalogMetrics, exemplars };
}
