import type { DataQuery, DataSourceJsonData } from '@grafana/schema';

/** The query types the backend answers; one editor each. */
export type QueryType = 'metrics' | 'logs' | 'logs_count' | 'traces' | 'correlate';

/** Keyword fields of AI events that logs queries filter and group on. */
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

export interface AgentMemoryQuery extends DataQuery {
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
  filters?: Partial<Record<EventFilterField, string[]>>;
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

export const DEFAULT_QUERY: Partial<AgentMemoryQuery> = {
  queryType: 'metrics',
  expr: '',
};

/** Plain settings, stored in jsonData. */
export interface AgentMemoryOptions extends DataSourceJsonData {
  prometheusUrl?: string;
  prometheusBasicAuthUser?: string;
  elasticsearchUrl?: string;
  /** Index pattern of the AI events, default ai-events-*. */
  elasticsearchIndex?: string;
  elasticsearchBasicAuthUser?: string;
  jaegerUrl?: string;
  jaegerBasicAuthUser?: string;
  /** Jaeger service of the memory spans, for the correlated view. */
  jaegerService?: string;
  /** Per-source request timeout, seconds. */
  timeoutSeconds?: number;
}

/** Secrets, stored in secureJsonData: write-only from the browser, decrypted only in the backend. */
export interface AgentMemorySecureOptions {
  prometheusBasicAuthPassword?: string;
  prometheusBearerToken?: string;
  elasticsearchBasicAuthPassword?: string;
  elasticsearchApiKey?: string;
  jaegerBasicAuthPassword?: string;
  jaegerBearerToken?: string;
}
