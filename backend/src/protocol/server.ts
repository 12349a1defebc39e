import * as grpc from '@grpc/grpc-js';
import { lazy } from './lazy';
import type { Logger } from './logger';
import type { PluginMetrics } from './pluginMetrics';
import { SERVICES } from './services';
import type { QueryOutcome, TimedOutcome } from '../query/execute';
import type { DataQueryMessage } from '../query/model';
import { parseSettings, SettingsError, type InstanceSettingsMessage } from '../settings';
import { LIMITS } from '../../../contract';
import { excerpt } from '../text';
import type { SourceBreakers } from '../sources/breakers';

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
  dataSourceInstanceSettings?: InstanceSettingsMessage;
  user?: { login?: string };
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

function toDataResponse(outcome: TimedOutcome, logger: Logger, metrics: PluginMetrics): EncodedResponse {
  const started = performance.now();
  const response = encodeOutcome(outcome, logger);
  const { timings } = outcome;
  const labels = (phase: string) => ({ query_type: outcome.queryType, phase });
  metrics.queryPhases.observe(labels('upstream'), timings.upstreamMs / 1000);
  metrics.queryPhases.observe(labels('parse'), timings.parseMs / 1000);
  metrics.queryPhases.observe(labels('frames'), timings.framesMs / 1000);
  metrics.queryPhases.observe(labels('encode'), (performance.now() - started) / 1000);
  return response;
}

function encodeOutcome(outcome: QueryOutcome, logger: Logger): EncodedResponse {
  let frames: Buffer[] = [];
  let { status, error, errorSource } = outcome;
  try {
    frames = outcome.frames.map((frame) => arrow().encodeFrame(frame, outcome.refId));
  } catch (encodeError) {
    // One undecodable frame fails Grafana's whole response, so a frame we cannot encode becomes
    // this query's error instead.
    logger.error('frame encoding failed', { refId: outcome.refId, error: encodeError });
    frames = [];
    status = 500;
    error = `Internal error: the result of query ${outcome.refId} could not be encoded`;
    errorSource = 'plugin';
  }
  return { frames, status, error: error ?? '', errorSource: errorSource ?? '', format: 'ARROW' };
}

function errorResponse(status: number, error: string, errorSource = 'plugin'): EncodedResponse {
  return { frames: [], status, error, errorSource, format: 'ARROW' };
}

/** Replaces the largest results with an error each until the whole response fits MAX_RESPONSE_BYTES. */
export function capResponseSize(
  responses: Map<string, EncodedResponse>,
  logger: Logger,
  limit: number = MAX_RESPONSE_BYTES
): void {
  const sizeOf = (r: EncodedResponse) => r.frames.reduce((sum, f) => sum + f.length, 0);
  let total = 0;
  responses.forEach((r) => (total += sizeOf(r)));
  if (total <= limit) {
    return;
  }
  const bySize = [...responses.entries()].sort((a, b) => sizeOf(b[1]) - sizeOf(a[1]));
  for (const [refId, response] of bySize) {
    if (total <= limit) {
      break;
    }
    const size = sizeOf(response);
    total -= size;
    logger.warn('query result dropped: response too large', { refId, bytes: size });
    responses.set(
      refId,
      errorResponse(
        413,
        `The result of query ${refId} is ${(size / 1024 / 1024).toFixed(1)} MiB, more than one response may carry (${(limit / 1024 / 1024).toFixed(1)} MiB with the other queries): narrow its range or lower its limit`
      )
    );
  }
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
  const fromAlert = request.headers?.FromAlert === 'true';
  const responses = new Map<string, EncodedResponse>();
  let settings;
  try {
    settings = parseSettings(request.pluginContext?.dataSourceInstanceSettings);
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
  const outcomes = await Promise.all(
    admitted.map(async (query) => {
      const outcome = await execute().executeQuery(query, { settings, breakers: hooks.breakers, signal });
      const status = outcome.cancelled ? 'cancelled' : outcome.error ? 'error' : 'ok';
      hooks.metrics().queries.inc({ query_type: outcome.queryType, status });
      hooks.metrics().queryDuration.observe({ query_type: outcome.queryType }, outcome.timings.totalMs / 1000);
      if (outcome.error && !outcome.cancelled) {
        hooks.logger.warn('query failed', {
          refId: excerpt(outcome.refId, LIMITS.maxRefIdLength),
          queryType: outcome.queryType,
          error: outcome.error,
          fromAlert,
        });
      }
      return outcome;
    })
  );
  for (const outcome of outcomes) {
    responses.set(outcome.refId, toDataResponse(outcome, hooks.logger, hooks.metrics()));
  }
  capResponseSize(responses, hooks.logger);
  return toMessage(responses);
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
    CheckHealth: unary('CheckHealth', logger, async (request: { pluginContext?: PluginContextMessage }) => {
      const result = await health().checkHealth(request.pluginContext?.dataSourceInstanceSettings);
      return {
        status: result.status,
        message: result.message,
        jsonDetails: Buffer.from(JSON.stringify({ sources: result.details })),
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
          instance: request.pluginContext?.dataSourceInstanceSettings,
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
