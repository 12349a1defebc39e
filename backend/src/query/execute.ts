import type { Frame } from './frame';
import { ELASTICSEARCH } from '../sources/elasticsearch';
import { JAEGER } from '../sources/jaeger';
import { PROMETHEUS } from '../sources/prometheus';
import { CancelledError, SourceError } from '../sources/sourceError';
import { QueryTimings } from '../sources/timings';
import { isQueryType, LIMITS, SOURCE_LABELS, type SourceId } from '../../../contract';
import { excerpt } from '../text';
import type { ExecuteContext } from './context';
import { runCorrelate } from './correlate/run';
import { runLogs, runLogsCount } from './logs/run';
import { runMetrics } from './metrics/run';
import { parseQuery, QueryModelError, type DataQueryMessage, type ParsedQuery } from './parse';
import { runTraces } from './traces/run';

export type { ExecuteContext } from './context';

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

/** An answer of the correlated view's sources that its frame could not be built from. */
class CorrelatedAnswerError extends Error {}

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
  if (error instanceof CorrelatedAnswerError) {
    return { refId, queryType, frames: [], status: 502, error: error.message, errorSource: 'downstream' };
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

/** The one source a query type reads; the correlated view reads all three. */
const SOURCE_OF: Record<ParsedQuery['queryType'], SourceId | 'correlate'> = {
  metrics: PROMETHEUS,
  logs: ELASTICSEARCH,
  logs_count: ELASTICSEARCH,
  traces: JAEGER,
  correlate: 'correlate',
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
    const problem = error instanceof Error ? error.message : String(error);
    if (source === 'correlate') {
      throw new CorrelatedAnswerError(`the correlated view answered data of an unexpected shape: ${problem}`);
    }
    throw new SourceError(
      source,
      'bad_response',
      `${SOURCE_LABELS[source]} answered data of an unexpected shape: ${problem}`
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
