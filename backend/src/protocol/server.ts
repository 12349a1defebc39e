import * as grpc from '@grpc/grpc-js';
import { encodeFrame } from './arrow';
import type { Logger } from './logger';
import type { PluginMetrics } from './pluginMetrics';
import { SERVICES } from './services';
import { checkHealth } from '../health';
import { executeQuery, type QueryOutcome } from '../query/execute';
import type { DataQueryMessage } from '../query/model';
import { callResource } from '../resources';
import { parseSettings, SettingsError, type InstanceSettingsMessage } from '../settings';
import type { SourceBreakers } from '../sources/breakers';

/** Grafana's SDK accepts 16 MiB requests; grpc-js defaults to 4 MiB. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

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
  metrics: PluginMetrics;
  breakers: SourceBreakers;
  /** Called once Grafana asked for Shutdown and the answer was sent. */
  onShutdown: () => void;
}

function toDataResponse(outcome: QueryOutcome, logger: Logger) {
  let frames: Buffer[] = [];
  let { status, error, errorSource } = outcome;
  try {
    frames = outcome.frames.map((frame) => Buffer.from(encodeFrame(frame, outcome.refId)));
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

async function queryData(request: QueryDataRequestMessage, hooks: ServerHooks) {
  const queries = request.queries ?? [];
  const fromAlert = request.headers?.FromAlert === 'true';
  let settings;
  try {
    settings = parseSettings(request.pluginContext?.dataSourceInstanceSettings);
  } catch (error) {
    const message = error instanceof SettingsError ? error.message : 'the data source settings could not be read';
    const responses: Record<string, unknown> = {};
    for (const q of queries) {
      responses[q.refId ?? ''] = { frames: [], status: 400, error: message, errorSource: 'plugin', format: 'ARROW' };
    }
    return { responses };
  }
  const outcomes = await Promise.all(
    queries.map(async (query) => {
      const started = performance.now();
      const outcome = await executeQuery(query, { settings, breakers: hooks.breakers });
      hooks.metrics.queries.inc({ query_type: outcome.queryType, status: outcome.error ? 'error' : 'ok' });
      hooks.metrics.queryDuration.observe({ query_type: outcome.queryType }, (performance.now() - started) / 1000);
      if (outcome.error) {
        hooks.logger.warn('query failed', {
          refId: outcome.refId,
          queryType: outcome.queryType,
          error: outcome.error,
          fromAlert,
        });
      }
      return outcome;
    })
  );
  const responses: Record<string, unknown> = {};
  for (const outcome of outcomes) {
    responses[outcome.refId] = toDataResponse(outcome, hooks.logger);
  }
  return { responses };
}

function unary<Req, Res>(
  name: string,
  logger: Logger,
  handler: (request: Req) => Promise<Res>
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    handler(call.request).then(
      (response) => callback(null, response),
      (error: unknown) => {
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
    QueryData: unary('QueryData', logger, (request: QueryDataRequestMessage) => queryData(request, hooks)),
  });

  server.addService(SERVICES.diagnostics, {
    CheckHealth: unary('CheckHealth', logger, async (request: { pluginContext?: PluginContextMessage }) => {
      const result = await checkHealth(request.pluginContext?.dataSourceInstanceSettings);
      return {
        status: result.status,
        message: result.message,
        jsonDetails: Buffer.from(JSON.stringify({ sources: result.details })),
      };
    }),
    CollectMetrics: unary('CollectMetrics', logger, async () => ({
      metrics: { prometheus: Buffer.from(await hooks.metrics.registry.metrics()) },
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
      callResource({
        path: request.path ?? '',
        method: request.method ?? 'GET',
        url: request.url ?? '',
        instance: request.pluginContext?.dataSourceInstanceSettings,
      })
        .then((response) => {
          call.write({
            code: response.code,
            headers: { 'Content-Type': { values: ['application/json'] } },
            body: Buffer.from(JSON.stringify(response.body)),
          });
          call.end();
        })
        .catch((error: unknown) => {
          logger.error('CallResource failed', { error: error instanceof Error ? error.stack : String(error) });
          call.destroy(error instanceof Error ? error : new Error(String(error)));
        });
    },
  });

  return server;
}
