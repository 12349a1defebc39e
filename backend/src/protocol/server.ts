import * as grpc from '@grpc/grpc-js';
import { lazy } from '../runtime/lazy';
import type { Logger } from '../runtime/logger';
import { SERVICES } from './services';
import {
  queryData,
  type PluginContextMessage,
  type QueryDataRequestMessage,
  type ServerHooks,
} from '../handlers/queryData';
import { instanceSettingsOf } from '../settings';

// Loaded on first use (see runtime/lazy.ts).
const resources = lazy(() => require('../handlers/callResource') as typeof import('../handlers/callResource'));
const health = lazy(() => require('../handlers/checkHealth') as typeof import('../handlers/checkHealth'));

/** Grafana's SDK accepts 16 MiB requests; grpc-js defaults to 4 MiB. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

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
      // (see handlers/checkHealth.ts). Grafana: CHECKHEALTH-REQUEST-CONTEXT (docs/grafana-behaviour.md)
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
