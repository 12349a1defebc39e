/**
 * "Can this query run": the one set of rules the browser (DataSource.filterQuery) and the backend
 * (backend/src/query/parse.ts and each type's parse.ts) apply to a query model. Required fields per query type, the length
 * caps of LIMITS, and the shape of each field; every message names the field. What only the
 * backend knows (Jaeger's path rules, capping a limit with a notice) stays in the backend.
 */
import { parseDurationSeconds } from './duration';
import {
  EVENT_FILTER_FIELDS,
  LIMITS,
  isEventFilterField,
  type EventFilterField,
  type EventFilters,
  type QueryModel,
  type QueryModelField,
  type QueryType,
  type TracesQueryModel,
} from './queries';

/** A model as it arrives: any JSON under the contract's keys. */
export type RawQueryModel = { readonly [K in QueryModelField]?: unknown };

export interface QueryProblem {
  /** The field at fault, as the model names it (e.g. "filters.agent_type"). */
  field: string;
  message: string;
  /** A required field is empty: nothing to run yet, rather than a mistake to report. */
  incomplete: boolean;
}

/** The model with only its type's fields, normalised (filters as lists), or the first problem. */
export type QueryCheck = { model: QueryModel; problem?: undefined } | { problem: QueryProblem; model?: undefined };

class Problem extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly incomplete = false
  ) {
    super(message);
  }
}

/** The message for a field longer than its cap: it names both. */
export function tooLongMessage(field: string, length: number, max: number): string {
  return `${field} is ${length} characters long; the limit is ${max}`;
}

function tooLong(field: string, length: number, max: number): Problem {
  return new Problem(field, tooLongMessage(field, length, max));
}

function optionalString(model: RawQueryModel, key: QueryModelField, max: number): string | undefined {
  const value = model[key];
  if (value === undefined || value === null || value === '') {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new Problem(key, `${key} must be a string`);
  }
  if (value.length > max) {
    throw tooLong(key, value.length, max);
  }
  return value;
}

function filtersOf(raw: unknown): EventFilters | undefined {
  if (raw === undefined || raw === null) {
    return undefined;
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new Problem('filters', 'filters must be an object such as {"agent_type": "coding"}');
  }
  const filters: EventFilters = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!isEventFilterField(key)) {
      throw new Problem(
        'filters',
        `unknown filter "${key.slice(0, 40)}": use one of ${EVENT_FILTER_FIELDS.join(', ')}`
      );
    }
    const field = `filters.${key}`;
    const values: unknown[] = Array.isArray(value) ? value : [value];
    if (values.length > LIMITS.maxFilterValues) {
      throw new Problem(field, `${field} has ${values.length} values; the limit is ${LIMITS.maxFilterValues}`);
    }
    for (const v of values) {
      if (typeof v !== 'string') {
        throw new Problem(field, `filter ${key} takes a string or a list of up to ${LIMITS.maxFilterValues} strings`);
      }
      if (v.length > LIMITS.maxFilterValueLength) {
        throw tooLong(`a value of ${field}`, v.length, LIMITS.maxFilterValueLength);
      }
    }
    filters[key] = values as string[];
  }
  return filters;
}

function tagsOf(raw: unknown): Record<string, string> | undefined {
  if (raw === undefined || raw === null) {
    return undefined;
  }
  const shape = 'tags must be an object of strings such as {"ai.operation": "search"}';
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new Problem('tags', shape);
  }
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > LIMITS.maxTags) {
    throw new Problem('tags', `tags has ${entries.length} entries; the limit is ${LIMITS.maxTags}`);
  }
  for (const [key, value] of entries) {
    if (typeof value !== 'string') {
      throw new Problem('tags', shape);
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

/** A limit as asked for (whole, at least 1); capping it to LIMITS is the backend's, with a notice. */
function limitOf(raw: unknown, what: string): number | undefined {
  if (raw === undefined || raw === null || raw === '') {
    return undefined;
  }
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1) {
    throw new Problem('limit', `${what} limit must be a whole number of at least 1`);
  }
  return n;
}

// Both patterns are linear: no group repeats a quantified part.
const TRACE_ID = /^[0-9a-fA-F]{1,32}$/;
const TRACE_DURATION = /^\d+(\.\d+)?(us|µs|ms|s|m|h)$/;

function metricsModel(model: RawQueryModel): QueryModel {
  const expr = model.expr;
  if (typeof expr !== 'string' || expr.trim() === '') {
    throw new Problem('expr', 'the metrics query has no PromQL expression: fill in "expr"', true);
  }
  if (expr.length > LIMITS.maxExprLength) {
    throw tooLong('expr', expr.length, LIMITS.maxExprLength);
  }
  if (model.legendFormat !== undefined && typeof model.legendFormat !== 'string') {
    throw new Problem('legendFormat', 'legendFormat must be a string such as "{{operation}}"');
  }
  if (typeof model.legendFormat === 'string' && model.legendFormat.length > LIMITS.maxLegendLength) {
    throw tooLong('legendFormat', model.legendFormat.length, LIMITS.maxLegendLength);
  }
  if (typeof model.minStep === 'string' && model.minStep.length > LIMITS.maxDurationLength) {
    throw tooLong('minStep', model.minStep.length, LIMITS.maxDurationLength);
  }
  const minStep = model.minStep;
  if (minStep !== undefined && minStep !== '' && parseDurationSeconds(minStep) === undefined) {
    throw new Problem(
      'minStep',
      `minStep "${String(minStep).slice(0, 40)}" is not a duration such as 15s, 1m or 500ms`
    );
  }
  return {
    queryType: 'metrics',
    expr,
    legendFormat: model.legendFormat as string | undefined,
    minStep: typeof minStep === 'string' && minStep !== '' ? minStep : undefined,
    instant: model.instant === true,
  };
}

function logsModel(model: RawQueryModel): QueryModel {
  const sort = model.sort ?? 'desc';
  if (sort !== 'asc' && sort !== 'desc') {
    throw new Problem('sort', 'sort must be "asc" or "desc"');
  }
  return {
    queryType: 'logs',
    query: optionalString(model, 'query', LIMITS.maxLuceneLength),
    filters: filtersOf(model.filters),
    sort,
    limit: limitOf(model.limit, 'logs'),
  };
}

function logsCountModel(model: RawQueryModel): QueryModel {
  const groupBy = optionalString(model, 'groupBy', LIMITS.maxFieldNameLength);
  if (groupBy !== undefined && !isEventFilterField(groupBy)) {
    throw new Problem(
      'groupBy',
      `groupBy "${groupBy.slice(0, 40)}" is not an event field: use one of ${EVENT_FILTER_FIELDS.join(', ')}`
    );
  }
  return {
    queryType: 'logs_count',
    query: optionalString(model, 'query', LIMITS.maxLuceneLength),
    filters: filtersOf(model.filters),
    groupBy: groupBy as EventFilterField | undefined,
  };
}

/** A span duration bound such as 100ms or 1.5s, or undefined. */
function traceDuration(model: RawQueryModel, key: 'minDuration' | 'maxDuration'): string | undefined {
  const d = optionalString(model, key, LIMITS.maxDurationLength);
  if (d !== undefined && !TRACE_DURATION.test(d)) {
    throw new Problem(key, `${key} "${d}" is not a duration such as 100ms or 1.5s`);
  }
  return d;
}

function tracesModel(model: RawQueryModel): TracesQueryModel {
  const traceId = optionalString(model, 'traceId', LIMITS.maxTraceIdLength);
  if (traceId !== undefined && !TRACE_ID.test(traceId)) {
    throw new Problem('traceId', `traceId "${traceId.slice(0, 40)}" is not a trace id (1 to 32 hex digits)`);
  }
  const service = optionalString(model, 'service', LIMITS.maxServiceLength);
  const fields = {
    queryType: 'traces' as const,
    tags: tagsOf(model.tags),
    minDuration: traceDuration(model, 'minDuration'),
    maxDuration: traceDuration(model, 'maxDuration'),
    operation: optionalString(model, 'operation', LIMITS.maxOperationLength),
    limit: limitOf(model.limit, 'traces'),
  };
  // A trace id is hex digits only (TRACE_ID); a service of spaces names nothing to search.
  if (traceId !== undefined) {
    return { ...fields, traceId, service };
  }
  if (service !== undefined && service.trim() !== '') {
    return { ...fields, service };
  }
  throw new Problem('traceId', 'a traces query needs a traceId, or a service to search', true);
}

/** A value as a message quotes it: short, and strings in quotes. */
function shown(raw: unknown): string {
  return typeof raw === 'string' ? `"${raw.slice(0, 40)}"` : String(raw).slice(0, 40);
}

/** A latency quantile strictly between 0 and 1; a numeric string counts, as for limits. */
function quantileOf(raw: unknown): number | undefined {
  if (raw === undefined || raw === null || raw === '') {
    return undefined;
  }
  const q = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN;
  if (!Number.isFinite(q) || q <= 0 || q >= 1) {
    throw new Problem(
      'quantile',
      `quantile ${shown(raw)} is not a latency quantile: use a number between 0 and 1, such as 0.95 for p95`
    );
  }
  return q;
}

/** A Prometheus duration of at least LIMITS.minCorrelateWindowSeconds; empty means the whole range. */
function correlateWindow(model: RawQueryModel): string | undefined {
  const window = optionalString(model, 'window', LIMITS.maxDurationLength)?.trim();
  if (window === undefined || window === '') {
    return undefined;
  }
  const seconds = parseDurationSeconds(window);
  if (seconds === undefined) {
    throw new Problem(
      'window',
      `window ${shown(window)} is not a Prometheus duration such as 5m, 1h or 1h30m; leave it empty for the whole time range`
    );
  }
  const min = LIMITS.minCorrelateWindowSeconds;
  if (seconds < min) {
    throw new Problem(
      'window',
      `window ${shown(window)} is shorter than ${min}s, too short for rate() to see several scrapes: use ${min}s or more`
    );
  }
  return window;
}

function correlateModel(model: RawQueryModel): QueryModel {
  return {
    queryType: 'correlate',
    service: optionalString(model, 'service', LIMITS.maxServiceLength),
    quantile: quantileOf(model.quantile),
    window: correlateWindow(model),
  };
}

const MODEL_OF: Record<QueryType, (model: RawQueryModel) => QueryModel> = {
  metrics: metricsModel,
  logs: logsModel,
  logs_count: logsCountModel,
  traces: tracesModel,
  correlate: correlateModel,
};

/** Whether a model of this query type can run: its fields normalised, or the first problem. */
export function checkQueryModel(queryType: QueryType, model: RawQueryModel): QueryCheck {
  try {
    return { model: MODEL_OF[queryType](model) };
  } catch (error) {
    if (error instanceof Problem) {
      return { problem: { field: error.field, message: error.message, incomplete: error.incomplete } };
    }
    throw error;
  }
}
