/**
 * The query model the browser sends and the backend validates. Dependency-free: imported by the
 * data source frontend (src/datasource) and by the backend (backend/src), so a change on one side
 * that the other does not follow is a compile error.
 */

/** The query types the backend answers; one editor each. */
export const QUERY_TYPES = ['metrics', 'logs', 'logs_count', 'traces', 'correlate'] as const;
export type QueryType = (typeof QUERY_TYPES)[number];

export function isQueryType(value: unknown): value is QueryType {
  return typeof value === 'string' && (QUERY_TYPES as readonly string[]).includes(value);
}

/** Keyword fields of AI events that logs queries filter and group on, and variables list. */
export const EVENT_FILTER_FIELDS = [
  'agent_type',
  'operation',
  'level',
  'performance_class',
  'error_type',
  'event_type',
  'user_id',
  'agent_id',
  'service',
  // memory_change events: one memory's history, and which memories changed most
  'memory_id',
  'memory_action',
] as const;
export type EventFilterField = (typeof EVENT_FILTER_FIELDS)[number];

export function isEventFilterField(value: unknown): value is EventFilterField {
  return typeof value === 'string' && (EVENT_FILTER_FIELDS as readonly string[]).includes(value);
}

export type EventFilters = Partial<Record<EventFilterField, string[]>>;

/**
 * The JSON model of one query: one shape per query type, told apart by `queryType` (DataQuery's
 * own fields, refId, hide, datasource, come on top). The wire format is unchanged: a model without
 * a queryType is a metrics query, as it was before query types existed. Whether a model can run
 * (required fields, LIMITS) is checked by contract/validate.ts, in the browser and the backend.
 */
export interface MetricsQueryModel {
  queryType?: 'metrics';
  /** PromQL expression. */
  expr: string;
  /** Series display name template, e.g. "{{operation}}". */
  legendFormat?: string;
  /** Lower bound of the step, e.g. "15s". */
  minStep?: string;
  /** Instant query at the end of the range instead of a range query. */
  instant?: boolean;
}

/** Which AI events a logs or log counts query reads. */
interface EventSelectionModel {
  /** Lucene query over AI events. */
  query?: string;
  /** Exact-value filters on event fields. */
  filters?: EventFilters;
}

export interface LogsQueryModel extends EventSelectionModel {
  queryType: 'logs';
  sort?: 'asc' | 'desc';
  /** Max log lines (LIMITS.maxLogs). */
  limit?: number;
}

export interface LogsCountQueryModel extends EventSelectionModel {
  queryType: 'logs_count';
  /** Field the counts are grouped by. */
  groupBy?: EventFilterField;
}

interface TracesQueryFields {
  queryType: 'traces';
  /** Trace by id; otherwise a search. */
  traceId?: string;
  /** Jaeger service to search. */
  service?: string;
  /** Jaeger operation. */
  operation?: string;
  /** Span tags that must match. */
  tags?: Record<string, string>;
  minDuration?: string;
  maxDuration?: string;
  /** Max traces (LIMITS.maxTraces). */
  limit?: number;
}

/** A traces query needs a trace id, or a service to search. */
export type TracesQueryModel = TracesQueryFields & ({ traceId: string } | { service: string });

export interface CorrelateQueryModel {
  queryType: 'correlate';
  /** Jaeger service of the memory spans; default from the settings. */
  service?: string;
  /** Latency quantile, 0 < q < 1, e.g. 0.95 for p95 (LIMITS.defaultCorrelateQuantile). */
  quantile?: number;
  /**
   * What the numbers cover, ending at the end of the range: a Prometheus duration such as "5m"
   * (at least LIMITS.minCorrelateWindowSeconds). Default: the whole range.
   */
  window?: string;
}

export type QueryModel =
  MetricsQueryModel | LogsQueryModel | LogsCountQueryModel | TracesQueryModel | CorrelateQueryModel;

/** The model of one query type. */
export type QueryModelOf<T extends QueryType> = Extract<QueryModel, { queryType?: T }>;

/** A field of any query type's model (distributed over the union, so every type's keys count). */
export type QueryModelField = QueryModel extends infer M ? (M extends unknown ? keyof M : never) : never;

export const LIMITS = {
  /** Log lines per logs query. */
  maxLogs: 5000,
  defaultLogs: 100,
  /** Traces per traces query. */
  maxTraces: 500,
  defaultTraces: 20,
  /** Elasticsearch and Jaeger searches over longer ranges are cut to their most recent part. */
  maxSearchRangeMs: 31 * 24 * 3600 * 1000,
  /** Queries in one QueryData request; more are answered with an error each. */
  maxQueriesPerRequest: 100,
  /** Length of a PromQL expression. */
  maxExprLength: 64 * 1024,
  /** Length of a Lucene query. */
  maxLuceneLength: 8192,
  /**
   * Caps of the model's other strings and lists, and of the resource parameters. A longer field
   * is refused with an error naming the field and its cap: every field is read by linear code,
   * and these keep even that cheap.
   */
  maxRefIdLength: 256,
  maxLegendLength: 1024,
  /** Jaeger service and operation names; also the ?service= of the operations resource. */
  maxServiceLength: 256,
  maxOperationLength: 256,
  /** A span tag filter: number of tags, and length of each key and value. */
  maxTags: 32,
  maxTagKeyLength: 256,
  maxTagValueLength: 1024,
  /** Values per event filter field, and length of each. */
  maxFilterValues: 100,
  maxFilterValueLength: 256,
  /** A trace id (longer than 32 hex digits is refused as not a trace id). */
  maxTraceIdLength: 64,
  /** minStep, minDuration, maxDuration, and the correlate window. */
  maxDurationLength: 32,
  /** The correlated view's latency quantile when the query names none (p99). */
  defaultCorrelateQuantile: 0.99,
  /** Shortest correlate window (and rate window): rate() needs several scrapes in its window. */
  minCorrelateWindowSeconds: 60,
  /** Prometheus label name (?label= of the label values resource). */
  maxLabelNameLength: 256,
  /** Event field name (?field= of the field values resource) and groupBy. */
  maxFieldNameLength: 64,
  /** The range a resource lists values of when the request names none: the last day. */
  defaultResourceRangeMs: 24 * 3600 * 1000,
  /** Values a resource answers; a longer list is cut (completion narrows by what was typed). */
  maxResourceValues: 10_000,
  /** The path of a resource call, before its slashes are trimmed. */
  maxResourcePathLength: 256,
  /** Text an upstream sent (an error reason, a warning) quoted in one of our messages. */
  maxUpstreamTextLength: 300,
  /** Warnings of one upstream answer shown as notices. */
  maxUpstreamWarnings: 10,
  /** Any error message the backend returns. */
  maxErrorMessageLength: 2048,
} as const;

/**
 * The name of a latency quantile, as field names and pickers show it: 0.99 is "p99", 0.95 "p95",
 * 0.999 "p99.9" (rounded so that 0.999 × 100 does not read 99.89999999999999).
 */
export function quantileName(quantile: number): string {
  return `p${Number((quantile * 100).toFixed(4))}`;
}
