import type { Logger } from '../runtime/logger';
import { lazy } from '../runtime/lazy';
import type { PluginMetrics } from '../runtime/pluginMetrics';
import type { QueryOutcome, TimedOutcome } from '../query/execute';
import type { DataQueryMessage } from '../query/common';
import { instanceSettingsOf, parseSettings, SettingsError, type InstanceSettingsMessage } from '../settings';
import { LIMITS } from '../../../contract';
import { excerpt } from '../text';
import { laneOf, type SourceBreakers } from '../sources/breakers';
import {
  becameGarbage,
  budgetSpentText,
  collectGarbageNow,
  mib,
  queryMemory,
  Reservation,
} from '../sources/memoryBudget';

/**
 * QueryData: every query of a request run against its sources, each answer encoded as Arrow
 * frames as soon as it is ready, within the request's response cap and the memory budget. The
 * gRPC plumbing around it is protocol/server.ts.
 */

// Loaded on first use (see runtime/lazy.ts).
const arrow = lazy(() => require('../query/arrow') as typeof import('../query/arrow'));
const execute = lazy(() => require('../query/execute') as typeof import('../query/execute'));

/**
 * Grafana's plugin client takes responses up to 2 GiB (MaxInt32), but a response is held in
 * memory on both sides: past this total, the largest query results are replaced by an error.
 */
export const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

export interface EncodedResponse {
  frames: Buffer[];
  status: number;
  error: string;
  errorSource: string;
  format: string;
}

export interface PluginContextMessage {
  /** int64, decoded as a string. */
  orgId?: string;
  dataSourceInstanceSettings?: InstanceSettingsMessage;
  user?: { login?: string; role?: string };
}

export interface QueryDataRequestMessage {
  pluginContext?: PluginContextMessage;
  headers?: Record<string, string>;
  queries?: DataQueryMessage[];
}

export interface ServerHooks {
  logger: Logger;
  /** The backend's own metrics, made on first use. */
  metrics: () => PluginMetrics;
  breakers: SourceBreakers;
  /** Called once Grafana asked for Shutdown and the answer was sent. */
  onShutdown: () => void;
}

/** What the encoded answers of one request add up to, against MAX_RESPONSE_BYTES. */
export class ResponseAllowance {
  total = 0;
  constructor(readonly limit: number = MAX_RESPONSE_BYTES) {}
}

/**
 * Encoded frames are held twice until the response is sent: as frames, and as their copy in the
 * serialized gRPC message.
 */
const ENCODED_COPIES = 2;

function toDataResponse(
  outcome: TimedOutcome,
  logger: Logger,
  metrics: PluginMetrics,
  reservation: Reservation,
  allowance: ResponseAllowance
): EncodedResponse {
  const started = performance.now();
  const response = encodeOutcome(outcome, logger, reservation, allowance);
  const { timings } = outcome;
  const labels = (phase: string) => ({ query_type: outcome.queryType, phase });
  metrics.queryPhases.observe(labels('upstream'), timings.upstreamMs / 1000);
  metrics.queryPhases.observe(labels('parse'), timings.parseMs / 1000);
  metrics.queryPhases.observe(labels('frames'), timings.framesMs / 1000);
  metrics.queryPhases.observe(labels('encode'), (performance.now() - started) / 1000);
  return response;
}

/**
 * Encodes a query's frames one at a time, each counted against the request's response size and
 * the query's memory reservation: the first frame that does not fit makes the query an error and
 * stops its encoding. Once encoded, the query's parsed answer and frames are garbage, so its
 * reservation keeps only the encoded bytes (see requestJson for what it held until then).
 */
export function encodeOutcome(
  outcome: QueryOutcome,
  logger: Logger,
  reservation: Reservation,
  allowance: ResponseAllowance
): EncodedResponse {
  const frames: Buffer[] = [];
  let { status, error, errorSource } = outcome;
  const parsed = reservation.bytes;
  let bytes = 0;
  try {
    for (const frame of outcome.frames) {
      const encoded = arrow().encodeFrame(frame, outcome.refId);
      bytes += encoded.length;
      const refusal = refuseEncoded(outcome.refId, bytes, encoded.length, reservation, allowance);
      if (refusal) {
        logger.warn('query result dropped: too large', { refId: outcome.refId, bytes, reason: refusal.error });
        reservation.releaseAll();
        return refusal;
      }
      frames.push(encoded);
    }
    allowance.total += bytes;
    reservation.give(parsed);
    // The frames were the last to hold the parsed answer: dropped, both can go before the
    // response is serialized (another copy of the encoded frames), see answerQueries.
    outcome.frames = [];
    becameGarbage(parsed);
  } catch (encodeError) {
    // One undecodable frame fails Grafana's whole response, so a frame we cannot encode becomes
    // this query's error instead.
    logger.error('frame encoding failed', { refId: outcome.refId, error: encodeError });
    reservation.releaseAll();
    frames.length = 0;
    status = 500;
    error = `Internal error: the result of query ${outcome.refId} could not be encoded`;
    errorSource = 'plugin';
  }
  return { frames, status, error: error ?? '', errorSource: errorSource ?? '', format: 'ARROW' };
}

function errorResponse(status: number, error: string, errorSource = 'plugin'): EncodedResponse {
  return { frames: [], status, error, errorSource, format: 'ARROW' };
}

/** Why a query's encoded frames so far (`bytes`) cannot join the response, or nothing. */
function refuseEncoded(
  refId: string,
  bytes: number,
  frameBytes: number,
  reservation: Reservation,
  allowance: ResponseAllowance
): EncodedResponse | undefined {
  if (allowance.total + bytes > allowance.limit) {
    return errorResponse(
      413,
      `The result of query ${refId} is more than ${mib(bytes)} MiB, and one response carries at most ${mib(allowance.limit)} MiB with the other queries: narrow its range or lower its limit, or move it to another panel`
    );
  }
  const short = reservation.take(frameBytes * ENCODED_COPIES);
  return short
    ? errorResponse(413, `The result of query ${refId} is more than ${mib(bytes)} MiB, and ${budgetSpentText(short)}`)
    : undefined;
}

/** The gRPC response: a real Map, so a refId such as "__proto__" is an entry like any other. */
function toMessage(responses: Map<string, EncodedResponse>) {
  return { responses: Object.fromEntries(responses) };
}

export async function queryData(request: QueryDataRequestMessage, hooks: ServerHooks, signal: AbortSignal) {
  const started = performance.now();
  const message = await answerQueries(request, hooks, signal);
  hooks.metrics().requestDuration.observe((performance.now() - started) / 1000);
  return message;
}

async function answerQueries(request: QueryDataRequestMessage, hooks: ServerHooks, signal: AbortSignal) {
  const queries = request.queries ?? [];
  // Grafana: ALERT-QUERY-CONTEXT, ALERT-LANE-TRUST (docs/grafana-behaviour.md): the alert lane is
  // for the scheduler's own requests, not for every request that carries its header.
  const lane = laneOf(request.headers, request.pluginContext?.user);
  const responses = new Map<string, EncodedResponse>();
  let settings;
  try {
    settings = parseSettings(instanceSettingsOf(request.pluginContext));
  } catch (error) {
    const message = error instanceof SettingsError ? error.message : 'the data source settings could not be read';
    for (const q of queries) {
      responses.set(q.refId ?? '', errorResponse(400, message));
    }
    return toMessage(responses);
  }
  const admitted = queries.slice(0, LIMITS.maxQueriesPerRequest);
  for (const q of queries.slice(LIMITS.maxQueriesPerRequest)) {
    responses.set(
      q.refId ?? '',
      errorResponse(
        400,
        `This request has ${queries.length} queries; one request runs at most ${LIMITS.maxQueriesPerRequest}: split the panel or dashboard`
      )
    );
  }
  // Each query's answers are counted from their first byte to the response being sent, and its
  // frames are encoded as soon as it finishes, so the response grows towards its cap query by
  // query instead of holding every query's frames first.
  const instance = `${request.pluginContext?.orgId ?? ''}/${settings.uid}`;
  const allowance = new ResponseAllowance();
  const reservations: Reservation[] = [];
  try {
    const encoded = await Promise.all(
      admitted.map(async (query) => {
        const reservation = new Reservation(instance);
        reservations.push(reservation);
        const outcome = await queryMemory.run(reservation, () =>
          execute().executeQuery(query, {
            settings,
            breakers: hooks.breakers,
            signal,
            lane,
          })
        );
        const status = outcome.cancelled ? 'cancelled' : outcome.error ? 'error' : 'ok';
        hooks.metrics().queries.inc({ query_type: outcome.queryType, status });
        hooks.metrics().queryDuration.observe({ query_type: outcome.queryType }, outcome.timings.totalMs / 1000);
        if (outcome.error && !outcome.cancelled) {
          hooks.logger.warn('query failed', {
            refId: excerpt(outcome.refId, LIMITS.maxRefIdLength),
            queryType: outcome.queryType,
            error: outcome.error,
            lane,
          });
        }
        const response = toDataResponse(outcome, hooks.logger, hooks.metrics(), reservation, allowance);
        collectGarbageNow(0); // here, where no frame of the encoding holds the parsed answer any more
        return [outcome.refId, response] as const;
      })
    );
    for (const [refId, response] of encoded) {
      responses.set(refId, response);
    }
    return toMessage(responses);
  } finally {
    // Given back once grpc-js has serialized the message, which it does as soon as this resolves.
    setImmediate(() =>
      reservations.forEach((reservation) => {
        becameGarbage(reservation.bytes);
        reservation.releaseAll();
      })
    );
  }
}
