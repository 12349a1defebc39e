import type { Frame } from './frame';
import type { DataSourceSettings, SourceSettings } from '../settings';
import type { Lane, SourceBreakers } from '../sources/breakers';
import { ElasticsearchClient, ELASTICSEARCH } from '../sources/elasticsearch';
import { countSearchBody, errorsByOperationBody, logsSearchBody } from '../sources/elasticsearchDsl';
import { JaegerClient, JAEGER } from '../sources/jaeger';
import { PrometheusClient, PROMETHEUS, type PromResult } from '../sources/prometheus';
import { CancelledError, SourceError, configuredSource } from '../sources/sourceError';
import { isQueryType, LIMITS } from '../../../contract';
import { excerpt } from '../text';
import { correlatePromQL, correlationFrame, type CorrelationParts } from './correlate';
import { countFrames, logsFrame, type SelfLink } from './eventFrames';
import { interpolateMacros, lowerIntervalSec, PROMETHEUS_MAX_POINTS, promResultToFrames, rangeWindow } from './metrics';
import {
  parseQuery,
  QueryModelError,
  type CorrelateQuery,
  type DataQueryMessage,
  type LogsCountQuery,
  type LogsQuery,
  type MetricsQuery,
  type ParsedQuery,
  type TracesQuery,
} from './model';
import { QueryTimings } from '../sources/timings';
import { spanExtent, traceFrame, traceTableFrame } from './traceFrames';

/** The outcome of one query, before wire encoding: frames, or an error that says who failed. */
export interface QueryOutcome {
  refId: string;
  frames: Frame[];
  status: number;
  error?: string;
  errorSource?: 'plugin' | 'downstream';
  /** A known query type, or `unknown`: this is a metric label and must stay bounded. */
  queryType: string;
  /** Grafana cancelled the request: recorded apart from failures. */
  cancelled?: boolean;
}

/** An outcome with where its time went. */
export type TimedOutcome = QueryOutcome & { timings: QueryTimings };

export interface ExecuteContext {
  settings: DataSourceSettings;
  breakers: SourceBreakers;
  signal?: AbortSignal;
  /** Whose queue the query's upstream calls wait in: alert evaluations have their own. */
  lane?: Lane;
  /** This query's own: its clients add their upstream wait and parse time. */
  timings?: QueryTimings;
}

function self(ctx: ExecuteContext): SelfLink {
  return { uid: ctx.settings.uid, name: ctx.settings.name };
}

/** A configured upstream's client and its breaker; "not configured" names the source and the fix. */
function upstream<S extends SourceSettings, C>(
  ctx: ExecuteContext,
  name: string,
  settings: S | undefined,
  Client: new (settings: S, timings?: QueryTimings) => C
) {
  const configured = configuredSource(settings, name);
  return {
    client: new Client(configured, ctx.timings),
    guard: <T>(fn: () => Promise<T>) => ctx.breakers.call(name, configured, fn, ctx.signal, ctx.lane),
  };
}

const prometheus = (ctx: ExecuteContext) => upstream(ctx, PROMETHEUS, ctx.settings.prometheus, PrometheusClient);
const elasticsearch = (ctx: ExecuteContext) =>
  upstream(ctx, ELASTICSEARCH, ctx.settings.elasticsearch, ElasticsearchClient);
const jaeger = (ctx: ExecuteContext) => upstream(ctx, JAEGER, ctx.settings.jaeger, JaegerClient);

async function runMetrics(query: MetricsQuery, ctx: ExecuteContext): Promise<Frame[]> {
  const { client, guard } = prometheus(ctx);
  const lowerSec = lowerIntervalSec(query, ctx.settings.scrapeIntervalSec);
  const window = rangeWindow(query, ctx.settings.scrapeIntervalSec);
  const requested = Math.max(query.intervalMs / 1000, lowerSec);
  if (
    !query.instant &&
    window.stepSec > requested &&
    window.stepSec >= (query.range.to - query.range.from) / 1000 / PROMETHEUS_MAX_POINTS
  ) {
    query.notices.push(
      `The step was raised to ${window.stepSec}s to keep each series under ${PROMETHEUS_MAX_POINTS} points (or the panel's max data points).`
    );
  }
  const expr = interpolateMacros(query.expr, window, query.range, lowerSec);
  if (query.instant) {
    const result = await guard(() => client.queryInstant(expr, query.range.to / 1000, ctx.signal));
    return promResultToFrames(query, result, `Expr: ${expr}\nTime: ${new Date(query.range.to).toISOString()}`);
  }
  const result = await guard(() => client.queryRange(expr, window.startSec, window.endSec, window.stepSec, ctx.signal));
  return promResultToFrames(query, result, `Expr: ${expr}\nStep: ${window.stepSec}s`, window.stepSec);
}

async function runLogs(query: LogsQuery, ctx: ExecuteContext): Promise<Frame[]> {
  const { client, guard } = elasticsearch(ctx);
  const response = await guard(() =>
    client.search(logsSearchBody(query.range, query.query, query.filters, query.sort, query.limit), ctx.signal)
  );
  const total = typeof response.hits?.total === 'number' ? response.hits.total : (response.hits?.total?.value ?? 0);
  return [logsFrame(query, response.hits?.hits ?? [], total, self(ctx))];
}

async function runLogsCount(query: LogsCountQuery, ctx: ExecuteContext): Promise<Frame[]> {
  const { client, guard } = elasticsearch(ctx);
  const rangeMs = query.range.to - query.range.from;
  // At most ~1,000 buckets per series whatever the panel asks.
  const intervalMs = Math.max(query.intervalMs, rangeMs / 1000, 1000);
  const response = await guard(() =>
    client.search(countSearchBody(query.range, query.query, query.filters, query.groupBy, intervalMs), ctx.signal)
  );
  return countFrames(query, response.aggregations);
}

async function runTraces(query: TracesQuery, ctx: ExecuteContext): Promise<Frame[]> {
  const { client, guard } = jaeger(ctx);
  if (query.traceId) {
    const trace = await guard(() => client.trace(query.traceId!, ctx.signal));
    return [traceFrame(query, trace)];
  }
  const traces = await guard(() =>
    client.search(
      {
        service: query.service!,
        operation: query.operation,
        tags: query.tags,
        minDuration: query.minDuration,
        maxDuration: query.maxDuration,
        limit: query.limit,
        startMs: query.range.from,
        endMs: query.range.to,
      },
      ctx.signal
    )
  );
  return [traceTableFrame(query, traces, self(ctx))];
}

function byOperation(result: PromResult): Map<string, number> {
  const map = new Map<string, number>();
  for (const series of result.series) {
    const value = Number(series.values[0]?.[1]);
    if (series.metric.operation) {
      map.set(series.metric.operation, value);
    }
  }
  return map;
}

/** Memory operation spans are named `ai.memory.<operation>` by the SDK. */
const MAX_CORRELATED_OPERATIONS = 12;
const MEMORY_SPAN_PREFIX = 'ai.memory.';

/** The three sources in parallel; whatever fails leaves its part empty and a notice naming it. */
async function runCorrelate(query: CorrelateQuery, ctx: ExecuteContext): Promise<Frame[]> {
  const parts: CorrelationParts = { failures: [] };
  const note = (error: unknown) => parts.failures.push(error instanceof Error ? error.message : String(error));
  const promQL = correlatePromQL((query.range.to - query.range.from) / 1000);
  const service = query.service ?? ctx.settings.jaegerService;
  const promPart = (async () => {
    const { client, guard } = prometheus(ctx);
    const [p99, errors] = await Promise.all([
      guard(() => client.queryInstant(promQL.p99, query.range.to / 1000, ctx.signal)),
      guard(() => client.queryInstant(promQL.errorRate, query.range.to / 1000, ctx.signal)),
    ]);
    parts.p99Seconds = byOperation(p99);
    parts.errorRate = byOperation(errors);
  })().catch(note);
  const esPart = (async () => {
    const { client, guard } = elasticsearch(ctx);
    const response = await guard(() => client.search(errorsByOperationBody(query.range), ctx.signal));
    const map = new Map<string, Array<{ type: string; count: number }>>();
    for (const bucket of response.aggregations?.operations?.buckets ?? []) {
      map.set(
        String(bucket.key),
        (bucket.errors?.buckets ?? []).map((e: { key: string; doc_count: number }) => ({
          type: String(e.key),
          count: e.doc_count,
        }))
      );
    }
    parts.topErrors = map;
  })().catch(note);
  // Jaeger in parallel too: its own list of memory span operations says what to search.
  const jaegerPart = (async () => {
    if (!service) {
      parts.failures.push(
        'Jaeger: no service given for the slowest traces; set "service" in the query or jaegerService in the settings.'
      );
      return;
    }
    const { client, guard } = jaeger(ctx);
    const operations = (await guard(() => client.operations(service, ctx.signal))).filter((op) =>
      op.startsWith(MEMORY_SPAN_PREFIX)
    );
    const map = new Map<string, string[]>();
    // Bounded fan-out: at most MAX_CORRELATED_OPERATIONS searches, which also queue behind the
    // per-source concurrency limit.
    await Promise.all(
      operations.slice(0, MAX_CORRELATED_OPERATIONS).map(async (spanName) => {
        const traces = await guard(() =>
          client.search(
            { service, operation: spanName, tags: {}, limit: 20, startMs: query.range.from, endMs: query.range.to },
            ctx.signal
          )
        );
        const slowest = traces
          .map((t) => ({ id: t.traceID, duration: spanExtent(t.spans).longest }))
          .sort((a, b) => b.duration - a.duration)
          .slice(0, 3)
          .map((t) => t.id);
        map.set(spanName.slice(MEMORY_SPAN_PREFIX.length), slowest);
      })
    );
    parts.slowestTraces = map;
  })().catch(note);
  await Promise.all([promPart, esPart, jaegerPart]);
  return [correlationFrame(query, parts, self(ctx), service)];
}

/** Maps any failure to a per-query error; nothing thrown here reaches the gRPC layer. */
export function failureOutcome(refId: string, queryType: string, error: unknown): QueryOutcome {
  if (error instanceof CancelledError) {
    return { refId, queryType, frames: [], status: 499, error: error.message, errorSource: 'plugin', cancelled: true };
  }
  if (error instanceof QueryModelError) {
    return {
      refId,
      queryType,
      frames: [],
      status: 400,
      error: `Invalid query: ${error.message}`,
      errorSource: 'plugin',
    };
  }
  if (error instanceof SourceError) {
    return {
      refId,
      queryType,
      frames: [],
      status: error.httpStatus,
      error: error.message,
      errorSource: error.downstream ? 'downstream' : 'plugin',
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    refId,
    queryType,
    frames: [],
    status: 500,
    error: `Internal error in the agent memory data source: ${message}`,
    errorSource: 'plugin',
  };
}

const SOURCE_OF: Record<ParsedQuery['queryType'], string> = {
  metrics: PROMETHEUS,
  logs: ELASTICSEARCH,
  logs_count: ELASTICSEARCH,
  traces: JAEGER,
  correlate: 'the correlated view',
};

/**
 * An answer the clients' shape checks let through but frame building cannot use is still the
 * upstream's odd answer, not an internal error: it is reported as the source's bad response.
 */
async function run(query: ParsedQuery, ctx: ExecuteContext): Promise<Frame[]> {
  try {
    return await dispatch(query, ctx);
  } catch (error) {
    if (error instanceof SourceError || error instanceof CancelledError || error instanceof QueryModelError) {
      throw error;
    }
    const source = SOURCE_OF[query.queryType];
    throw new SourceError(
      source,
      'bad_response',
      `${source} answered data of an unexpected shape: ${error instanceof Error ? error.message : String(error)}`
    );
  }
}

function dispatch(query: ParsedQuery, ctx: ExecuteContext): Promise<Frame[]> {
  switch (query.queryType) {
    case 'logs':
      return runLogs(query, ctx);
    case 'logs_count':
      return runLogsCount(query, ctx);
    case 'traces':
      return runTraces(query, ctx);
    case 'correlate':
      return runCorrelate(query, ctx);
    default:
      return runMetrics(query, ctx);
  }
}

export async function executeQuery(message: DataQueryMessage, ctx: ExecuteContext): Promise<TimedOutcome> {
  const refId = message.refId ?? '';
  let queryType = !message.queryType ? 'metrics' : isQueryType(message.queryType) ? message.queryType : 'unknown';
  const timings = new QueryTimings();
  const started = performance.now();
  let outcome: QueryOutcome;
  try {
    const query = parseQuery(message);
    queryType = query.queryType;
    outcome = { refId, queryType, frames: await run(query, { ...ctx, timings }), status: 200 };
  } catch (error) {
    outcome = failureOutcome(refId, queryType, error);
  }
  timings.totalMs = performance.now() - started;
  if (outcome.error !== undefined) {
    outcome.error = excerpt(outcome.error, LIMITS.maxErrorMessageLength);
  }
  return { ...outcome, timings };
}
