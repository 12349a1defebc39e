import * as grpc from '@grpc/grpc-js';
import { lazy } from './lazy';
import type { Logger } from './logger';
import type { PluginMetrics } from './pluginMetrics';
import { SERVICES } from './services';
import type { QueryOutcome, TimedOutcome } from '../query/execute';
import type { DataQueryMessage } from '../query/model';
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

// Loaded on first use (see lazy.ts).
const arrow = lazy(() => require('./arrow') as typeof import('./arrow'));
const execute = lazy(() => require('../query/execute') as typeof import('../query/execute'));
const resources = lazy(() => require('../resources') as typeof import('../resources'));
const health = lazy(() => require('../health') as typeof import('../health'));

/** Grafana's SDK accepts 16 MiB requests; grpc-js defaults to 4 MiB. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

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

interface PluginContextMessage {
  /** int64, decoded as a string. */
  orgId?: string;
  dataSourceInstanceSettings?: InstanceSettingsMessage;
  user?: { login?: string; role?: string };
}

interface QueryDataRequestMessage {
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

async function queryData(request: QueryDataRequestMessage, hooks: ServerHooks, signal: AbortSignal) {
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

/**
 * An AbortSignal that fires when Grafana cancels the call (or its deadline passes) while it is
 * being answered. grpc-js also reports "cancelled" when a finished call's stream closes; aborting
 * then would only build a DOMException with a stack trace per request for nobody.
 */
function cancellation(call: { on(event: 'cancelled', listener: () => void): unknown }): {
  signal: AbortSignal;
  finished: () => void;
} {
  const controller = new AbortController();
  let running = true;
  call.on('cancelled', () => {
    if (running) {
      controller.abort();
    }
  });
  return { signal: controller.signal, finished: () => (running = false) };
}

function unary<Req, Res>(
  name: string,
  logger: Logger,
  handler: (request: Req, signal: AbortSignal) => Promise<Res>
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const { signal, finished } = cancellation(call);
    handler(call.request, signal).then(
      (response) => {
        finished();
        callback(null, response);
      },
      (error: unknown) => {
        finished();
        logger.error(`${name} failed`, { error: error instanceof Error ? error.stack : String(error) });
        callback({
          code: grpc.status.INTERNAL,
          details: `${name} failed: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
    );
  };
}

export function createServer(hooks: ServerHooks): grpc.Server {
  const { logger } = hooks;
  const server = new grpc.Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': -1,
  });

  server.addService(SERVICES.health, {
    // go-plugin's Ping asks for service "plugin"; every service we serve is up while we run.
    Check: (_call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) =>
      callback(null, { status: 'SERVING' }),
  });

  server.addService(SERVICES.controller, {
    Shutdown: (_call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      logger.info('shutdown requested by Grafana');
      callback(null, {});
      setImmediate(hooks.onShutdown);
    },
  });

  server.addService(SERVICES.data, {
    QueryData: unary('QueryData', logger, (request: QueryDataRequestMessage, signal) =>
      queryData(request, hooks, signal)
    ),
  });

  server.addService(SERVICES.diagnostics, {
    CheckHealth: unary('CheckHealth', logger, async (request: { pluginContext?: PluginContextMessage }, signal) => {
      // Grafana calls CheckHealth with its HTTP request's context, so the signal fires when the
      // caller goes away or a deadline passes: the probe's upstream requests are then aborted
      // (see health.ts). Grafana: CHECKHEALTH-REQUEST-CONTEXT (docs/grafana-behaviour.md)
      const result = await health().checkHealth(instanceSettingsOf(request.pluginContext), signal);
      return {
        status: result.status,
        message: result.message,
        jsonDetails: Buffer.from(JSON.stringify(result.details)),
      };
    }),
    CollectMetrics: unary('CollectMetrics', logger, async () => ({
      metrics: { prometheus: Buffer.from(await hooks.metrics().registry.metrics()) },
    })),
  });

  server.addService(SERVICES.resource, {
    CallResource: (
      call: grpc.ServerWritableStream<
        { path?: string; method?: string; url?: string; pluginContext?: PluginContextMessage },
        unknown
      >
    ) => {
      const request = call.request;
      const { signal, finished } = cancellation(call);
      resources()
        .callResource({
          path: request.path ?? '',
          method: request.method ?? 'GET',
          url: request.url ?? '',
          instance: instanceSettingsOf(request.pluginContext),
          breakers: hooks.breakers,
          signal,
        })
        .then((response) => {
          finished();
          call.write({
            code: response.code,
            headers: { 'Content-Type': { values: ['application/json'] } },
            body: Buffer.from(JSON.stringify(response.body)),
          });
          call.end();
        })
        .catch((error: unknown) => {
          finished();
          logger.error('CallResource failed', { error: error instanceof Error ? error.stack : String(error) });
          call.destroy(error instanceof Error ? error : new Error(String(error)));
        });
    },
  });

  return server;
}
