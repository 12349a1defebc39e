import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { handshakeLine, negotiate } from './protocol/handshake';
import { createLogger } from './runtime/logger';
import { lazy } from './runtime/lazy';
import { createServer } from './protocol/server';
import { SourceBreakers } from './sources/breakers';

/**
 * Entry point Grafana executes. Nothing but the handshake line may reach stdout: go-plugin reads
 * exactly one line there, so console output is redirected to the JSON log on stderr first.
 */
function main(): void {
  const logger = createLogger();
  for (const method of ['log', 'info', 'debug', 'warn', 'error'] as const) {
    // eslint-disable-next-line no-console -- replacing console itself, so stray output cannot reach stdout
    console[method] = (...args: unknown[]) => logger.debug(args.map(String).join(' '), { via: `console.${method}` });
  }
  process.on('uncaughtException', (error) => {
    logger.error('uncaught error, exiting', { error: error.stack ?? String(error) });
    process.exit(2);
  });
  process.on('unhandledRejection', (reason) => {
    logger.error('unhandled promise rejection, exiting', {
      error: reason instanceof Error ? (reason.stack ?? reason.message) : String(reason),
    });
    process.exit(2);
  });

  const negotiation = negotiate(process.env);
  if (!negotiation.ok) {
    process.stderr.write(negotiation.message + '\n');
    process.exit(negotiation.exitCode);
  }

  // go-plugin servers ignore interrupts: Grafana ends us through Shutdown (or kills us).
  process.on('SIGINT', () => logger.debug('ignoring SIGINT; waiting for Shutdown'));

  const socketDir = fs.mkdtempSync(path.join(negotiation.socketDir ?? os.tmpdir(), 'plugin'));
  const socketPath = path.join(socketDir, 'agentmemory.sock');
  let stopping = false;
  const cleanup = () => fs.rmSync(socketDir, { recursive: true, force: true });

  // prom-client (and the http modules it loads) only when a first query or CollectMetrics needs it.
  const metrics = lazy(() =>
    (require('./runtime/pluginMetrics') as typeof import('./runtime/pluginMetrics')).createPluginMetrics()
  );
  const breakers = new SourceBreakers(() => metrics().circuitBreakerState);
  const server = createServer({
    logger,
    metrics,
    breakers,
    onShutdown: () => stop('Shutdown'),
  });

  function stop(reason: string): void {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info('stopping', { reason });
    breakers.shutdown();
    const force = setTimeout(() => {
      server.forceShutdown();
      cleanup();
      process.exit(0);
    }, 1000);
    server.tryShutdown(() => {
      clearTimeout(force);
      cleanup();
      process.exit(0);
    });
  }
  process.on('SIGTERM', () => stop('SIGTERM'));

  const beforeBind = performance.now();
  server.bindAsync(`unix:${socketPath}`, grpc.ServerCredentials.createInsecure(), (error) => {
    if (error) {
      logger.error('could not listen on the plugin socket', { socket: socketPath, error: error.message });
      cleanup();
      process.exit(1);
    }
    process.stdout.write(handshakeLine(negotiation.version, socketPath));
    logger.info('agent memory backend listening', {
      socket: socketPath,
      protocolVersion: negotiation.version,
      pid: process.pid,
      // Milliseconds since the process started: to loaded and ready to bind, and to the handshake.
      readyToBindMs: Math.round(beforeBind),
      handshakeMs: Math.round(performance.now()),
    });
  });
}

main();
