/**
 * What every query type shares: the message Grafana sends, the fields common to every parsed
 * query, the model error, and the caps applied while parsing. A malformed model becomes a
 * per-query error that says what is wrong; it never throws further.
 */
import { LIMITS, tooLongMessage, type RawQueryModel } from '../../../contract';
import { jaegerNameProblem } from '../sources/jaeger';

export interface TimeRangeMs {
  from: number;
  to: number;
}

/** The fields every parsed query has, whatever its type. */
export interface CommonQuery {
  refId: string;
  intervalMs: number;
  maxDataPoints: number;
  range: TimeRangeMs;
  /** Set when a limit or range was capped, to say so in a frame notice. */
  notices: string[];
}

/**
 * The model as it arrives: any JSON under the contract's keys. Reading a key the contract does
 * not have fails to compile here. (`range` is what Grafana's own Prometheus editor sends.)
 */
export type RawModel = RawQueryModel & { range?: unknown };

/** The pluginv2 DataQuery as proto-loader decodes it (int64 as strings). */
export interface DataQueryMessage {
  refId?: string;
  queryType?: string;
  json?: Buffer | Uint8Array;
  intervalMS?: string | number;
  maxDataPoints?: string | number;
  timeRange?: { fromEpochMS?: string | number; toEpochMS?: string | number };
}

export class QueryModelError extends Error {}

/** The error for a field longer than its cap (LIMITS in contract/queries.ts): it names both. */
export function tooLong(field: string, length: number, max: number): QueryModelError {
  return new QueryModelError(tooLongMessage(field, length, max));
}

/** A Jaeger service or operation name is never one Jaeger's API path would resolve away. */
export function checkJaegerName(key: 'service' | 'operation', name: string | undefined): void {
  const problem = name === undefined || name === '' ? undefined : jaegerNameProblem(key, name);
  if (problem) {
    throw new QueryModelError(problem);
  }
}

/** A checked limit capped to its maximum, with a notice when it was. */
export function capped(
  limit: number | undefined,
  fallback: number,
  max: number,
  what: string,
  notices: string[]
): number {
  if (limit === undefined) {
    return fallback;
  }
  if (limit > max) {
    notices.push(`The ${what} limit ${limit} was capped to ${max}.`);
    return max;
  }
  return limit;
}

/** Elasticsearch and Jaeger searches over longer ranges are cut to their most recent LIMITS.maxSearchRangeMs, with a notice. */
export function searchRange(range: TimeRangeMs, notices: string[]): TimeRangeMs {
  if (range.to - range.from <= LIMITS.maxSearchRangeMs) {
    return range;
  }
  notices.push(`The time range was longer than 31 days; only its last 31 days were searched.`);
  return { from: range.to - LIMITS.maxSearchRangeMs, to: range.to };
}
