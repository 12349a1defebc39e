/**
 * The query model the frontend and alert rules send, validated before anything is called: the
 * common fields here, each query type's own in its folder (metrics/, logs/, traces/, correlate/).
 */
import { LIMITS, QUERY_TYPES, checkQueryModel, isQueryType, type QueryModel } from '../../../contract';
import { QueryModelError, tooLong, type CommonQuery, type DataQueryMessage, type RawModel } from './common';
import { parseCorrelate, type CorrelateQuery } from './correlate/parse';
import { parseLogs, parseLogsCount, type LogsCountQuery, type LogsQuery } from './logs/parse';
import { parseMetrics, type MetricsQuery } from './metrics/parse';
import { parseTraces, type TracesQuery } from './traces/parse';

export { QUERY_TYPES, parseDurationSeconds, type QueryType } from '../../../contract';
export { QueryModelError, type DataQueryMessage } from './common';

export type ParsedQuery = MetricsQuery | LogsQuery | LogsCountQuery | TracesQuery | CorrelateQuery;

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

function commonFields(message: DataQueryMessage): CommonQuery {
  const from = toNumber(message.timeRange?.fromEpochMS, NaN);
  const to = toNumber(message.timeRange?.toEpochMS, NaN);
  if (!Number.isFinite(from) || !Number.isFinite(to) || to < from) {
    throw new QueryModelError('the query has no valid time range (from must not be after to)');
  }
  const refId = message.refId ?? '';
  if (refId.length > LIMITS.maxRefIdLength) {
    throw tooLong('refId', refId.length, LIMITS.maxRefIdLength);
  }
  return {
    refId,
    intervalMs: Math.max(0, toNumber(message.intervalMS, 0)),
    maxDataPoints: Math.max(0, toNumber(message.maxDataPoints, 0)),
    range: { from, to },
    notices: [],
  };
}

export function parseQuery(message: DataQueryMessage): ParsedQuery {
  const model = parseJson(message.json);
  const queryType = message.queryType || (typeof model.queryType === 'string' ? model.queryType : '') || 'metrics';
  if (!isQueryType(queryType)) {
    throw new QueryModelError(
      `unknown query type "${String(queryType).slice(0, 40)}": expected one of ${QUERY_TYPES.join(', ')}`
    );
  }
  const common = commonFields(message);
  const checked = checkQueryModel(queryType, model);
  if (checked.problem) {
    throw new QueryModelError(checked.problem.message);
  }
  return parsedQuery(checked.model, model, common);
}

/** The parsed query of a checked model (contract/validate.ts): each type's defaults, caps and notices. */
function parsedQuery(model: QueryModel, raw: RawModel, common: CommonQuery): ParsedQuery {
  switch (model.queryType) {
    case 'logs':
      return parseLogs(model, common);
    case 'logs_count':
      return parseLogsCount(model, common);
    case 'traces':
      return parseTraces(model, common);
    case 'correlate':
      return parseCorrelate(model, common);
    default:
      return parseMetrics(model, raw, common);
  }
}
