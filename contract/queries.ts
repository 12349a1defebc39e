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
} as const;
