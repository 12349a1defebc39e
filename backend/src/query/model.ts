/**
 * The query model the frontend and alert rules send, validated before anything is called.
 * A malformed model becomes a per-query error that says what is wrong; it never throws further.
 */
import {
  LIMITS,
  QUERY_TYPES,
  checkQueryModel,
  isQueryType,
  parseDurationSeconds,
  tooLongMessage,
  type CorrelateQueryModel,
  type EventFilters,
  type LogsCountQueryModel,
  type LogsQueryModel,
  type MetricsQueryModel,
  type QueryModel,
  type RawQueryModel,
  type TracesQueryModel,
} from '../../../contract';
import { jaegerNameProblem } from '../sources/jaeger';

export { QUERY_TYPES, parseDurationSeconds, type QueryType } from '../../../contract';

export interface TimeRangeMs {
  from: number;
  to: number;
}

/** The parsed queries: the contract's models (contract/queries.ts), checked, with defaults applied. */
export interface MetricsQuery extends CommonQuery, Pick<MetricsQueryModel, 'expr' | 'legendFormat'> {
  queryType: 'metrics';
  /** Instant query at the end of the range; otherwise a range query. */
  instant: boolean;
  /** Lower bound of the step, seconds. */
  minStepSec?: number;
}

interface CommonQuery {
  refId: string;
  intervalMs: number;
  maxDataPoints: number;
  range: TimeRangeMs;
  /** Set when a limit or range was capped, to say so in a frame notice. */
  notices: string[];
}

export interface LogsQuery
  extends CommonQuery, Pick<LogsQueryModel, 'queryType' | 'query'>, Required<Pick<LogsQueryModel, 'sort' | 'limit'>> {
  filters: EventFilters;
}

export interface LogsCountQuery extends CommonQuery, Pick<LogsCountQueryModel, 'queryType' | 'query' | 'groupBy'> {
  filters: EventFilters;
}

/** Trace by id (traceId), otherwise a search. */
export type TracesQuery = CommonQuery &
  Omit<TracesQueryModel, 'traceId' | 'service' | 'tags' | 'limit'> & {
    traceId?: string;
    service?: string;
    tags: Record<string, string>;
    limit: number;
  };

export interface CorrelateQuery extends CommonQuery, CorrelateQueryModel {}

export type ParsedQuery = MetricsQuery | LogsQuery | LogsCountQuery | TracesQuery | CorrelateQuery;

/**
 * The model as it arrives: any JSON under the contract's keys. Reading a key the contract does
 * not have fails to compile here. (`range` is what Grafana's own Prometheus editor sends.)
 */
type RawModel = RawQueryModel & { range?: unknown };

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
  return new QueryModelError(tooLongMessage(field, length, max));
}

/** A Jaeger service or operation name is never one Jaeger's API path would resolve away. */
function checkJaegerName(key: 'service' | 'operation', name: string | undefined): void {
  const problem = name === undefined || name === '' ? undefined : jaegerNameProblem(key, name);
  if (problem) {
    throw new QueryModelError(problem);
  }
}

/** A checked limit capped to its maximum, with a notice when it was. */
function capped(limit: number | undefined, fallback: number, max: number, what: string, notices: string[]): number {
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
function searchRange(range: TimeRangeMs, notices: string[]): TimeRangeMs {
  if (range.to - range.from <= LIMITS.maxSearchRangeMs) {
    return range;
  }
  notices.push(`The time range was longer than 31 days; only its last 31 days were searched.`);
  return { from: range.to - LIMITS.maxSearchRangeMs, to: range.to };
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
  const checked = checkQueryModel(queryType, model);
  if (checked.problem) {
    throw new QueryModelError(checked.problem.message);
  }
  return parsedQuery(checked.model, model, common);
}

/** The parsed query of a checked model (contract/validate.ts): defaults, caps and notices. */
function parsedQuery(model: QueryModel, raw: RawModel, common: CommonQuery): ParsedQuery {
  const { notices } = common;
  switch (model.queryType) {
    case 'logs':
      return {
        ...common,
        queryType: 'logs',
        query: model.query,
        filters: model.filters ?? {},
        sort: model.sort ?? 'desc',
        limit: capped(model.limit, LIMITS.defaultLogs, LIMITS.maxLogs, 'logs', notices),
        range: searchRange(common.range, notices),
      };
    case 'logs_count':
      return {
        ...common,
        queryType: 'logs_count',
        query: model.query,
        filters: model.filters ?? {},
        groupBy: model.groupBy,
        range: searchRange(common.range, notices),
      };
    case 'traces':
      checkJaegerName('service', model.service);
      checkJaegerName('operation', model.operation);
      return {
        ...common,
        queryType: 'traces',
        traceId: model.traceId,
        service: model.service,
        operation: model.operation,
        tags: model.tags ?? {},
        minDuration: model.minDuration,
        maxDuration: model.maxDuration,
        limit: capped(model.limit, LIMITS.defaultTraces, LIMITS.maxTraces, 'traces', notices),
        range: searchRange(common.range, notices),
      };
    case 'correlate':
      checkJaegerName('service', model.service);
      return { ...common, queryType: 'correlate', service: model.service, range: searchRange(common.range, notices) };
    default:
      return {
        ...common,
        queryType: 'metrics',
        expr: model.expr,
        // Grafana's own Prometheus editor sends `range: true` for a range query.
        instant: model.instant === true && raw.range !== true,
        legendFormat: model.legendFormat,
        minStepSec: model.minStep === undefined ? undefined : parseDurationSeconds(model.minStep),
      };
  }
}
