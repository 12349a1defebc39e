import type { DataQuery, DataSourceJsonData } from '@grafana/schema';

/** The query types the backend answers; one editor each. */
export type QueryType = 'metrics';

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
}

export const DEFAULT_QUERY: Partial<AgentMemoryQuery> = {
  queryType: 'metrics',
  expr: '',
};

/** Plain settings, stored in jsonData. */
export interface AgentMemoryOptions extends DataSourceJsonData {
  prometheusUrl?: string;
  prometheusBasicAuthUser?: string;
  /** Per-source request timeout, seconds. */
  timeoutSeconds?: number;
}

/** Secrets, stored in secureJsonData: write-only from the browser, decrypted only in the backend. */
export interface AgentMemorySecureOptions {
  prometheusBasicAuthPassword?: string;
  prometheusBearerToken?: string;
}
