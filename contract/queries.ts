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
] as const;
export type EventFilterField = (typeof EVENT_FILTER_FIELDS)[number];

export function isEventFilterField(value: unknown): value is EventFilterField {
  return typeof value === 'string' && (EVENT_FILTER_FIELDS as readonly string[]).includes(value);
}

export type EventFilters = Partial<Record<EventFilterField, string[]>>;

/** The JSON model of one query (DataQuery's own fields, refId, hide, datasource, come on top). */
export interface AgentMemoryQueryModel {
  queryType?: QueryType;
  /** PromQL expression (metrics). */
  expr?: string;
  /** Series display name template, e.g. "{{operation}}" (metrics). */
  legendFormat?: string;
  /** Lower bound of the step, e.g. "15s" (metrics). */
  minStep?: string;
  /** Instant query at the end of the range instead of a range query (metrics). */
  instant?: boolean;
  /** Lucene query over AI events (logs, logs_count). */
  query?: string;
  /** Exact-value filters on event fields (logs, logs_count). */
  filters?: EventFilters;
  sort?: 'asc' | 'desc';
  /** Max log lines (logs) or traces (traces). */
  limit?: number;
  /** Field the counts are grouped by (logs_count). */
  groupBy?: EventFilterField;
  /** Trace by id (traces). */
  traceId?: string;
  /** Jaeger service (traces, correlate). */
  service?: string;
  /** Jaeger operation (traces). */
  operation?: string;
  /** Span tags that must match (traces). */
  tags?: Record<string, string>;
  minDuration?: string;
  maxDuration?: string;
}

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
  /** minStep, minDuration, maxDuration. */
  maxDurationLength: 32,
  /** Prometheus label name (?label= of the label values resource). */
  maxLabelNameLength: 256,
  /** Event field name (?field= of the field values resource) and groupBy. */
  maxFieldNameLength: 64,
  /** The path of a resource call, before its slashes are trimmed. */
  maxResourcePathLength: 256,
  /** Text an upstream sent (an error reason, a warning) quoted in one of our messages. */
  maxUpstreamTextLength: 300,
  /** Warnings of one upstream answer shown as notices. */
  maxUpstreamWarnings: 10,
  /** Any error message the backend returns. */
  maxErrorMessageLength: 2048,
} as const;
