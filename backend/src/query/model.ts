/**
 * The query model the frontend and alert rules send, validated before anything is called.
 * A malformed model becomes a per-query error that says what is wrong; it never throws further.
 */
export const QUERY_TYPES = ['metrics'] as const;
export type QueryType = (typeof QUERY_TYPES)[number];

export interface TimeRangeMs {
  from: number;
  to: number;
}

export interface MetricsQuery {
  queryType: 'metrics';
  refId: string;
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

export type ParsedQuery = MetricsQuery;

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

const MAX_EXPR_LENGTH = 64 * 1024;
const DURATION_UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

/** Parses Prometheus-style durations ("15s", "1m30s", "500ms") or plain seconds into seconds. */
export function parseDurationSeconds(raw: unknown): number | undefined {
  if (typeof raw === 'number') {
    return Number.isFinite(raw) && raw > 0 ? raw : undefined;
  }
  if (typeof raw !== 'string' || raw.trim() === '') {
    return undefined;
  }
  const text = raw.trim();
  if (/^\d+(\.\d+)?$/.test(text)) {
    return Number(text) || undefined;
  }
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    return undefined;
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * DURATION_UNITS[p[2]], 0) || undefined;
}

function toNumber(value: string | number | undefined, fallback: number): number {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : fallback;
}

function parseJson(raw: Buffer | Uint8Array | undefined): Record<string, unknown> {
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
  return parsed as Record<string, unknown>;
}

export function parseQuery(message: DataQueryMessage): ParsedQuery {
  const model = parseJson(message.json);
  const queryType = message.queryType || (typeof model.queryType === 'string' ? model.queryType : '') || 'metrics';
  if (!(QUERY_TYPES as readonly string[]).includes(queryType)) {
    throw new QueryModelError(
      `unknown query type "${String(queryType).slice(0, 40)}": expected one of ${QUERY_TYPES.join(', ')}`
    );
  }
  const from = toNumber(message.timeRange?.fromEpochMS, NaN);
  const to = toNumber(message.timeRange?.toEpochMS, NaN);
  if (!Number.isFinite(from) || !Number.isFinite(to) || to < from) {
    throw new QueryModelError('the query has no valid time range (from must not be after to)');
  }
  const expr = model.expr;
  if (typeof expr !== 'string' || expr.trim() === '') {
    throw new QueryModelError('the metrics query has no PromQL expression: fill in "expr"');
  }
  if (expr.length > MAX_EXPR_LENGTH) {
    throw new QueryModelError(
      `the PromQL expression is ${expr.length} characters long; the limit is ${MAX_EXPR_LENGTH}`
    );
  }
  if (model.legendFormat !== undefined && typeof model.legendFormat !== 'string') {
    throw new QueryModelError('legendFormat must be a string such as "{{operation}}"');
  }
  let minStepSec: number | undefined;
  if (model.minStep !== undefined && model.minStep !== '') {
    minStepSec = parseDurationSeconds(model.minStep);
    if (minStepSec === undefined) {
      throw new QueryModelError(
        `minStep "${String(model.minStep).slice(0, 40)}" is not a duration such as 15s, 1m or 500ms`
      );
    }
  }
  return {
    queryType: 'metrics',
    refId: message.refId ?? '',
    expr,
    instant: model.instant === true && model.range !== true,
    legendFormat: model.legendFormat as string | undefined,
    minStepSec,
    intervalMs: Math.max(0, toNumber(message.intervalMS, 0)),
    maxDataPoints: Math.max(0, toNumber(message.maxDataPoints, 0)),
    range: { from, to },
  };
}
