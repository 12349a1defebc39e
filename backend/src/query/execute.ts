import type { Frame } from '../protocol/frame';
import type { DataSourceSettings } from '../settings';
import { PrometheusClient, PROMETHEUS } from '../sources/prometheus';
import { SourceError } from '../sources/sourceError';
import { promResultToFrames, rangeWindow } from './metrics';
import { parseQuery, QueryModelError, type DataQueryMessage, type MetricsQuery } from './model';

/** The outcome of one query, before wire encoding: frames, or an error that says who failed. */
export interface QueryOutcome {
  refId: string;
  frames: Frame[];
  status: number;
  error?: string;
  errorSource?: 'plugin' | 'downstream';
  queryType: string;
}

export interface ExecuteContext {
  settings: DataSourceSettings;
  signal?: AbortSignal;
}

async function runMetrics(query: MetricsQuery, ctx: ExecuteContext): Promise<Frame[]> {
  if (!ctx.settings.prometheus) {
    throw new SourceError(
      PROMETHEUS,
      'not_configured',
      'No Prometheus URL is configured: set it in the data source settings'
    );
  }
  const client = new PrometheusClient(ctx.settings.prometheus);
  if (query.instant) {
    const timeSec = query.range.to / 1000;
    const result = await client.queryInstant(query.expr, timeSec, ctx.signal);
    return promResultToFrames(query, result, `Expr: ${query.expr}\nTime: ${new Date(query.range.to).toISOString()}`);
  }
  const window = rangeWindow(query);
  const result = await client.queryRange(query.expr, window.startSec, window.endSec, window.stepSec, ctx.signal);
  return promResultToFrames(query, result, `Expr: ${query.expr}\nStep: ${window.stepSec}s`);
}

/** Maps any failure to a per-query error; nothing thrown here reaches the gRPC layer. */
export function failureOutcome(refId: string, queryType: string, error: unknown): QueryOutcome {
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
    const status =
      error.kind === 'bad_query' ? 400 : error.kind === 'timeout' ? 504 : error.kind === 'not_configured' ? 400 : 502;
    return {
      refId,
      queryType,
      frames: [],
      status,
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

export async function executeQuery(message: DataQueryMessage, ctx: ExecuteContext): Promise<QueryOutcome> {
  const refId = message.refId ?? '';
  let queryType = message.queryType || 'metrics';
  try {
    const query = parseQuery(message);
    queryType = query.queryType;
    const frames = await runMetrics(query, ctx);
    return { refId, queryType, frames, status: 200 };
  } catch (error) {
    return failureOutcome(refId, queryType, error);
  }
}
