/**
 * Elasticsearch query DSL for AI events, built as JSON from the query model: user values only
 * ever land in `term`/`terms` values or the `query_string` query, never in concatenated text.
 * Plain REST DSL, the same on Elasticsearch 8.x and 9.x. Pure.
 */

import { EVENT_FILTER_FIELDS, type EventFilterField, type EventFilters } from '../../../contract';
import { onlyDots } from '../text';

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

/**
 * Characters Elasticsearch forbids in index names (its create-index naming rules), plus the
 * control characters; `*` and `,` are pattern syntax and handled apart.
 */
const FORBIDDEN_INDEX_CHARACTERS = new Set(['\\', '/', '?', '"', '<', '>', '|', '#', ' ']);
/**
 * First characters a part may not have: Elasticsearch forbids `-`, `_` and `+`; `.` starts the
 * system and hidden indices (`.security`, `.kibana`…) and `_` its APIs (`_all`, `_cluster`…),
 * which this data source must never read; a leading `*` would match every index.
 */
const FORBIDDEN_INDEX_STARTS = new Set(['.', '_', '-', '+', '*']);

function isSpaceOrControl(character: string): boolean {
  const code = character.codePointAt(0)!;
  return code < 0x20 || code === 0x7f || character.trim() === '';
}

/**
 * Why one comma-separated part (an index name, alias or `*` pattern, optionally behind a
 * `cluster:` prefix for cross-cluster search) is refused, if it is.
 */
function indexPartProblem(part: string): string | undefined {
  for (const character of part) {
    if (isSpaceOrControl(character)) {
      return 'contains a space or control character';
    }
    if (FORBIDDEN_INDEX_CHARACTERS.has(character)) {
      return `contains "${character}", which Elasticsearch does not allow in index names`;
    }
  }
  // Cluster aliases and index names cannot contain ":", so the index is what follows the last one.
  const name = part.slice(part.lastIndexOf(':') + 1);
  if (name === '') {
    return 'has an empty part (two commas in a row, a comma at an end, or nothing after "cluster:")';
  }
  if (name === '_all') {
    return 'names _all, which means every index of the cluster, system indices included';
  }
  if (onlyDots(name)) {
    return `has the part "${name}", which is a path segment, not an index`;
  }
  if (name.startsWith('.ds-')) {
    // Allowed by Elasticsearch, but a data stream is searched by its name, which covers every
    // backing index (and follows its rollovers).
    return `has the part "${name.slice(0, 60)}", a data stream's backing index: search the data stream by its name (e.g. ai-events-stream, or ai-events-*) instead`;
  }
  if (FORBIDDEN_INDEX_STARTS.has(name[0])) {
    return `has the part "${name.slice(0, 60)}" starting with "${name[0]}": names starting with "." or "_" are system indices or APIs, and no index name starts with "-", "+" or "*"`;
  }
  return undefined;
}

/**
 * Why an index pattern may not be searched, or undefined when it may. A comma-separated list of
 * index names, aliases and `*` patterns, each part checked; a later part may start with `-` to
 * exclude indices (Elasticsearch's multi-target syntax). Loops, no regex: the pattern is text an
 * admin typed.
 */
export function indexPatternProblem(pattern: string): string | undefined {
  const parts = pattern.split(',');
  for (let i = 0; i < parts.length; i++) {
    const part = i > 0 && parts[i].startsWith('-') ? parts[i].slice(1) : parts[i];
    const problem = indexPartProblem(part);
    if (problem) {
      return `Elasticsearch index pattern "${pattern.slice(0, 100)}" is not valid: it ${problem}. Use e.g. ai-events-*`;
    }
  }
  return undefined;
}
