import type { AgentMemoryQuery } from './types';

/** `replace(text, format)` as Grafana's template service does it. */
export type Replace = (text: string, format?: string | ((value: unknown) => string)) => string;

/** Escapes a variable's value(s) for a PromQL label matcher: `"a\"b"` stays inside its quotes. */
export function promqlValue(value: unknown): string {
  const escape = (v: unknown) => String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  if (Array.isArray(value)) {
    // Multi-value variables are used as =~"a|b": each value regex-escaped.
    return value.map((v) => escape(String(v).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('|');
  }
  return escape(value);
}

/**
 * Replaces dashboard variables in every text of a query. PromQL gets values escaped for label
 * matchers; filters, services and tags get the raw values (the backend sends them to
 * Elasticsearch and Jaeger as data, never as query text).
 */
export function interpolateQuery(query: AgentMemoryQuery, replace: Replace): AgentMemoryQuery {
  const raw = (text: string | undefined) => (text ? replace(text) : text);
  const filters = query.filters
    ? Object.fromEntries(
        Object.entries(query.filters).map(([field, values]) => [
          field,
          (values ?? []).flatMap((v) => replace(v, 'csv').split(',')).filter((v) => v !== ''),
        ])
      )
    : undefined;
  const tags = query.tags
    ? Object.fromEntries(Object.entries(query.tags).map(([k, v]) => [replace(k), replace(v)]))
    : undefined;
  return {
    ...query,
    expr: query.expr ? replace(query.expr, promqlValue) : query.expr,
    legendFormat: raw(query.legendFormat),
    query: query.query ? replace(query.query, 'lucene') : query.query,
    filters,
    traceId: raw(query.traceId),
    service: raw(query.service),
    operation: raw(query.operation),
    tags,
  };
}
