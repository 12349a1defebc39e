/**
 * Elasticsearch query DSL for AI events, built as JSON from the query model: user values only
 * ever land in `term`/`terms` values or the `query_string` query, never in concatenated text.
 * Plain REST DSL, the same on Elasticsearch 8.x and 9.x. Pure.
 */

import { EVENT_FILTER_FIELDS, type EventFilterField, type EventFilters } from '../../../contract';

export interface TimeRangeMs {
  from: number;
  to: number;
}

export function eventsFilter(
  range: TimeRangeMs,
  queryText: string | undefined,
  filters: EventFilters | undefined
): Record<string, unknown> {
  const must: unknown[] = [{ range: { '@timestamp': { gte: range.from, lte: range.to, format: 'epoch_millis' } } }];
  for (const field of EVENT_FILTER_FIELDS) {
    const value = filters?.[field];
    const values = (Array.isArray(value) ? value : value === undefined || value === '' ? [] : [value]).filter(
      (v) => v !== ''
    );
    if (values.length === 1) {
      must.push({ term: { [field]: values[0] } });
    } else if (values.length > 1) {
      must.push({ terms: { [field]: values } });
    }
  }
  if (queryText && queryText.trim() !== '' && queryText.trim() !== '*') {
    // query_string is what the user typed as a Lucene query; an invalid one is reported by
    // Elasticsearch as a query error, not run lenient.
    must.push({ query_string: { query: queryText, default_field: 'message', analyze_wildcard: true } });
  }
  return { bool: { filter: must } };
}

export function logsSearchBody(
  range: TimeRangeMs,
  queryText: string | undefined,
  filters: EventFilters | undefined,
  sort: 'asc' | 'desc',
  limit: number
) {
  return {
    size: limit,
    track_total_hits: true,
    sort: [{ '@timestamp': { order: sort } }],
    query: eventsFilter(range, queryText, filters),
  };
}

export function countSearchBody(
  range: TimeRangeMs,
  queryText: string | undefined,
  filters: EventFilters | undefined,
  groupBy: EventFilterField | undefined,
  intervalMs: number
) {
  const histogram = {
    date_histogram: {
      field: '@timestamp',
      fixed_interval: `${Math.max(1000, Math.round(intervalMs / 1000) * 1000)}ms`,
      min_doc_count: 0,
      extended_bounds: { min: range.from, max: range.to },
    },
  };
  return {
    size: 0,
    query: eventsFilter(range, queryText, filters),
    aggs: groupBy
      ? { groups: { terms: { field: groupBy, size: 20, missing: '(none)' }, aggs: { over_time: histogram } } }
      : { over_time: histogram },
  };
}

/** Top error types per operation, for the correlated view. */
export function errorsByOperationBody(range: TimeRangeMs) {
  return {
    size: 0,
    query: {
      bool: {
        filter: [
          { range: { '@timestamp': { gte: range.from, lte: range.to, format: 'epoch_millis' } } },
          { term: { level: 'ERROR' } },
        ],
      },
    },
    aggs: {
      operations: {
        terms: { field: 'operation', size: 50 },
        aggs: { errors: { terms: { field: 'error_type', size: 3 } } },
      },
    },
  };
}

/** Distinct values of one keyword field (optionally of the events a Lucene query selects), for autocomplete and variables. */
export function fieldValuesBody(field: EventFilterField, range: TimeRangeMs, queryText?: string) {
  return {
    size: 0,
    query: eventsFilter(range, queryText, undefined),
    aggs: { values: { terms: { field, size: 200 } } },
  };
}
