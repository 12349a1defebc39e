/**
 * The backend's resource endpoints (CallResource): autocomplete for the editors and the values
 * of template variables. Paths and parameters are shared by the browser and the backend.
 */
import type { EventFilterField } from './queries';
import type { SourceId } from './settings';

export const RESOURCE_PATHS = {
  prometheusLabels: 'prometheus/labels',
  /** Values of ?label= (metric names with label=__name__), narrowed by ?match= and ?from=&to=. */
  prometheusLabelValues: 'prometheus/label-values',
  /** Type and help of each metric Prometheus knows (its /api/v1/metadata), for the PromQL editor. */
  prometheusMetadata: 'prometheus/metadata',
  elasticsearchFieldValues: 'elasticsearch/field-values',
  jaegerServices: 'jaeger/services',
  jaegerOperations: 'jaeger/operations',
} as const;
export type ResourcePath = (typeof RESOURCE_PATHS)[keyof typeof RESOURCE_PATHS];

/** One metric of prometheus/metadata: its type (counter, gauge, histogram, …) and help text. */
export interface MetricMetadataEntry {
  metric: string;
  type: string;
  help: string;
  unit?: string;
}

/**
 * Every resource answers a JSON list (of strings; prometheus/metadata of MetricMetadataEntry),
 * at most LIMITS.maxResourceValues long, or `{ error, source? }` with a 4xx/5xx code.
 */
export interface ResourceErrorBody {
  error: string;
  /** The upstream that failed, when one did, by id (SOURCE_LABELS names it for people). */
  source?: SourceId;
}

/** What a template variable of this data source lists. */
export const VARIABLE_KINDS = [
  'prometheus_label_values',
  'event_field_values',
  'jaeger_services',
  'jaeger_operations',
] as const;
export type VariableKind = (typeof VARIABLE_KINDS)[number];

export interface AgentMemoryVariableQueryModel {
  kind: VariableKind;
  /** Prometheus label (prometheus_label_values). */
  label?: string;
  /** Series selector that narrows the label values, e.g. ai_memory_operations_total{agent_type="$agent_type"}. */
  match?: string;
  /** Event field (event_field_values). */
  field?: EventFilterField;
  /** Lucene query that narrows the event field values. */
  query?: string;
  /** Jaeger service (jaeger_operations); may be a variable such as $service. */
  service?: string;
}
