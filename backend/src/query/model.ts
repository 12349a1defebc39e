/**
 * The query model the frontend and alert rules send, validated before anything is called.
 * A malformed model becomes a per-query error that says what is wrong; it never throws further.
 */
import {
  EVENT_FILTER_FIELDS,
  LIMITS,
  QUERY_TYPES,
  isEventFilterField,
  isQueryType,
  parseDurationSeconds,
  type AgentMemoryQueryModel,
  type EventFilterField,
  type EventFilters,
} from '../../../contract';
import { jaegerNameProblem } from '../sources/jaeger';

export { QUERY_TYPES, parseDurationSeconds, type QueryType } from '../../../contract';

export interface TimeRangeMs {
  from: number;
  to: number;
}

export interface MetricsQuery {
  queryType: 'metrics';
  refId: string;
  notices: string[];
  expr: string;
  /** Instant query at the end of the range; otherwise a range query. */
  instant: boolean;
  legendFormat?: string;
  /** Lower bound of the step, seconds. */
  minStepSec?: number;
  intervalMs: number;
  maxDataPoints: number;
  range: TimeRangeMs;
}

interface CommonQuery {
  refId: string;
  intervalMs: number;
  maxDataPoints: number;
  range: TimeRangeMs;
  /** Set when a limit or range was capped, to say so in a frame notice. */
  notices: string[];
}

export interface LogsQuery extends CommonQuery {
  queryType: 'logs';
  query?: string;
  filters: EventFilters;
  sort: 'asc' | 'desc';
  limit: number;
}

export interface LogsCountQuery extends CommonQuery {
  queryType: 'logs_count';
  query?: string;
  filters: EventFilters;
  groupBy?: EventFilterField;
}

export interface TracesQuery extends CommonQuery {
  queryType: 'traces';
  /** Trace by id; otherwise a search. */
  traceId?: string;
  service?: string;
  operation?: string;
  tags: Record<string, string>;
  minDuration?: string;
  maxDuration?: string;
  limit: number;
}

export interface CorrelateQuery extends CommonQuery {
  queryType: 'correlate';
  /** Jaeger service of the memory spans. */
  service?: string;
}

export type ParsedQuery = MetricsQuery | LogsQuery | LogsCountQuery | TracesQuery | CorrelateQuery;

export const MAX_LOGS = LIMITS.maxLogs;
export const MAX_TRACES = LIMITS.maxTraces;
/** Elasticsearch and Jaeger searches over longer ranges are cut to their most recent part. */
export const MAX_SEARCH_RANGE_MS = LIMITS.maxSearchRangeMs;

/**
 * The model as it arrives: any JSON under the contract's keys. Reading a key the contract does
 * not have fails to compile here. (`range` is what Grafana's own Prometheus editor sends.)
 */
type RawModel = { [K in keyof AgentMemoryQueryModel]?: unknown } & { range?: unknown };

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

const MAX_EXPR_LENGTH = LIMITS.maxExprLength;

function toNumber(value: string | number | undefined, fallback: number): number {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : fallback;
}

function parseJson(raw: Buffer | Uint8Array | undefined): RawModel {
  if (!raw || raw.length === 0) {
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch {
    throw new QueryModelError('the query model is not valid JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new QueryModelError('the query model must be a JSON object');
  }
  return parsed as RawModel;
}

/** The error for a field longer than its cap (LIMITS in contract/queries.ts): it names both. */
function tooLong(field: string, length: number, max: number): QueryModelError {
  return new QueryModelError(`${field} is ${length} characters long; the limit is ${max}`);
}

function optionalString(model: RawModel, key: keyof RawModel, max: number): string | undefined {
  const value = model[key];
  if (value === undefined || value === null || value === '') {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new QueryModelError(`${key} must be a string`);
  }
  if (value.length > max) {
    throw tooLong(key, value.length, max);
  }
  return value;
}

/** A Jaeger service or operation name: capped, and never one Jaeger's API path would resolve away. */
function jaegerName(model: RawModel, key: 'service' | 'operation', max: number): string | undefined {
  const name = optionalString(model, key, max);
  const problem = name === undefined ? undefined : jaegerNameProblem(key, name);
  if (problem) {
    throw new QueryModelError(problem);
  }
  return name;
}

function parseFilters(raw: unknown): EventFilters {
  if (raw === undefined || raw === null) {
    return {};
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new QueryModelError('filters must be an object such as {"agent_type": "coding"}');
  }
  const filters: EventFilters = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!isEventFilterField(key)) {
      throw new QueryModelError(`unknown filter "${key.slice(0, 40)}": use one of ${EVENT_FILTER_FIELDS.join(', ')}`);
    }
    const values: unknown[] = Array.isArray(value) ? value : [value];
    if (values.length > LIMITS.maxFilterValues) {
      throw new QueryModelError(`filters.${key} has ${values.length} values; the limit is ${LIMITS.maxFilterValues}`);
    }
    for (const v of values) {
      if (typeof v !== 'string') {
        throw new QueryModelError(`filter ${key} takes a string or a list of up to ${LIMITS.maxFilterValues} strings`);
      }
      if (v.length > LIMITS.maxFilterValueLength) {
        throw tooLong(`a value of filters.${key}`, v.length, LIMITS.maxFilterValueLength);
      }
    }
    filters[key] = values as string[];
  }
  return filters;
}

/** Span tags: an object of strings, at most LIMITS.maxTags of them, each key and value capped. */
function parseTags(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null) {
    return {};
  }
  const shape = 'tags must be an object of strings such as {"ai.operation": "search"}';
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new QueryModelError(shape);
  }
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > LIMITS.maxTags) {
    throw new QueryModelError(`tags has ${entries.length} entries; the limit is ${LIMITS.maxTags}`);
  }
  for (const [key, value] of entries) {
    if (typeof value !== 'string') {
      throw new QueryModelError(shape);
    }
    if (key.length > LIMITS.maxTagKeyLength) {
      throw tooLong('a key of tags', key.length, LIMITS.maxTagKeyLength);
    }
    if (value.length > LIMITS.maxTagValueLength) {
      throw tooLong('a value of tags', value.length, LIMITS.maxTagValueLength);
    }
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

function limitOf(raw: unknown, fallback: number, max: number, what: string, notices: string[]): number {
  if (raw === undefined || raw === null || raw === '') {
    return fallback;
  }
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1) {
    throw new QueryModelError(`${what} limit must be a whole number of at least 1`);
  }
  if (n > max) {
    notices.push(`The ${what} limit ${n} was capped to ${max}.`);
    return max;
  }
  return n;
}

/** Caps a search range to its most recent MAX_SEARCH_RANGE_MS, with a notice. */
function searchRange(range: TimeRangeMs, notices: string[]): TimeRangeMs {
  if (range.to - range.from <= MAX_SEARCH_RANGE_MS) {
    return range;
  }
  notices.push(`The time range was longer than 31 days; only its last 31 days were searched.`);
  return { from: range.to - MAX_SEARCH_RANGE_MS, to: range.to };
}

export function parseQuery(message: DataQueryMessage): ParsedQuery {
  const model = parseJson(message.json);
  const queryType = message.queryType || (typeof model.queryType === 'string' ? model.queryType : '') || 'metrics';
  if (!isQueryType(queryType)) {
    throw new QueryModelError(
      `unknown query type "${String(queryType).slice(0, 40)}": expected one of ${QUERY_TYPES.join(', ')}`
    );
  }
  const from = toNumber(message.timeRange?.fromEpochMS, NaN);
  const to = toNumber(message.timeRange?.toEpochMS, NaN);
  if (!Number.isFinite(from) || !Number.isFinite(to) || to < from) {
    throw new QueryModelError('the query has no valid time range (from must not be after to)');
  }
  const refId = message.refId ?? '';
  if (refId.length > LIMITS.maxRefIdLength) {
    throw tooLong('refId', refId.length, LIMITS.maxRefIdLength);
  }
  const common = {
    refId,
    intervalMs: Math.max(0, toNumber(message.intervalMS, 0)),
    maxDataPoints: Math.max(0, toNumber(message.maxDataPoints, 0)),
    range: { from, to },
    notices: [] as string[],
  };
  switch (queryType) {
    case 'logs': {
      const sort = model.sort ?? 'desc';
      if (sort !== 'asc' && sort !== 'desc') {
        throw new QueryModelError('sort must be "asc" or "desc"');
      }
      return {
        ...common,
        queryType,
        query: optionalString(model, 'query', LIMITS.maxLuceneLength),
        filters: parseFilters(model.filters),
        sort,
        limit: limitOf(model.limit, LIMITS.defaultLogs, MAX_LOGS, 'logs', common.notices),
        range: searchRange(common.range, common.notices),
      };
    }
    case 'logs_count': {
      const groupBy = optionalString(model, 'groupBy', LIMITS.maxFieldNameLength);
      if (groupBy !== undefined && !isEventFilterField(groupBy)) {
        throw new QueryModelError(
          `groupBy "${groupBy.slice(0, 40)}" is not an event field: use one of ${EVENT_FILTER_FIELDS.join(', ')}`
        );
      }
      return {
        ...common,
        queryType,
        query: optionalString(model, 'query', LIMITS.maxLuceneLength),
        filters: parseFilters(model.filters),
        groupBy: groupBy as EventFilterField | undefined,
        range: searchRange(common.range, common.notices),
      };
    }
    case 'traces': {
      const traceId = optionalString(model, 'traceId', LIMITS.maxTraceIdLength);
      if (traceId !== undefined && !/^[0-9a-fA-F]{1,32}$/.test(traceId)) {
        throw new QueryModelError(`traceId "${traceId.slice(0, 40)}" is not a trace id (1 to 32 hex digits)`);
      }
      const service = jaegerName(model, 'service', LIMITS.maxServiceLength);
      if (traceId === undefined && service === undefined) {
        throw new QueryModelError('a traces query needs a traceId, or a service to search');
      }
      const tags = parseTags(model.tags);
      for (const key of ['minDuration', 'maxDuration'] as const) {
        const d = optionalString(model, key, LIMITS.maxDurationLength);
        if (d !== undefined && !/^\d+(\.\d+)?(us|µs|ms|s|m|h)$/.test(d)) {
          throw new QueryModelError(`${key} "${d}" is not a duration such as 100ms or 1.5s`);
        }
      }
      return {
        ...common,
        queryType,
        traceId,
        service,
        operation: jaegerName(model, 'operation', LIMITS.maxOperationLength),
        tags,
        minDuration: optionalString(model, 'minDuration', LIMITS.maxDurationLength),
        maxDuration: optionalString(model, 'maxDuration', LIMITS.maxDurationLength),
        limit: limitOf(model.limit, LIMITS.defaultTraces, MAX_TRACES, 'traces', common.notices),
        range: searchRange(common.range, common.notices),
      };
    }
    case 'correlate':
      return {
        ...common,
        queryType,
        service: jaegerName(model, 'service', LIMITS.maxServiceLength),
        range: searchRange(common.range, common.notices),
      };
    default:
      return parseMetrics(model, common);
  }
}

function parseMetrics(model: RawModel, common: CommonQuery): MetricsQuery {
  const expr = model.expr;
  if (typeof expr !== 'string' || expr.trim() === '') {
    throw new QueryModelError('the metrics query has no PromQL expression: fill in "expr"');
  }
  if (expr.length > MAX_EXPR_LENGTH) {
    throw tooLong('expr', expr.length, MAX_EXPR_LENGTH);
  }
  if (model.legendFormat !== undefined && typeof model.legendFormat !== 'string') {
    throw new QueryModelError('legendFormat must be a string such as "{{operation}}"');
  }
  if (typeof model.legendFormat === 'string' && model.legendFormat.length > LIMITS.maxLegendLength) {
    throw tooLong('legendFormat', model.legendFormat.length, LIMITS.maxLegendLength);
  }
  let minStepSec: number | undefined;
  if (typeof model.minStep === 'string' && model.minStep.length > LIMITS.maxDurationLength) {
    throw tooLong('minStep', model.minStep.length, LIMITS.maxDurationLength);
  }
  if (model.minStep !== undefined && model.minStep !== '') {
    minStepSec = parseDurationSeconds(model.minStep);
    if (minStepSec === undefined) {
      throw new QueryModelError(
        `minStep "${String(model.minStep).slice(0, 40)}" is not a duration such as 15s, 1m or 500ms`
      );
    }
  }
  return {
    ...common,
    queryType: 'metrics',
    expr,
    instant: model.instant === true && model.range !== true,
    legendFormat: model.legendFormat as string | undefined,
    minStepSec,
  };
}
