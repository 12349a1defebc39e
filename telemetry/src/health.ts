import { Socket } from 'node:net';
import { Pushgateway } from 'prom-client';
import type { MemoryTelemetry } from './memoryTelemetry.js';
import { COMPONENT_HEALTH_VALUES } from './catalog.js';
import { errorMessage } from './safeText.js';
import { runEvery } from './periodic.js';

/** The outcome of one component check. */
export interface ComponentHealth {
  healthy: boolean;
  error?: string;
  [detail: string]: unknown;
}

/**
 * One component check. It must honour `signal`: when the check times out the signal aborts, and
 * the check must then close whatever it opened (a hanging server must not cost a client per run).
 */
export type HealthCheck = (signal: AbortSignal) => Promise<ComponentHealth>;

export interface HealthReport {
  overall_score: number;
  components: Record<string, ComponentHealth>;
  timestamp: number;
  duration_seconds: number;
}

export interface HealthCheckerOptions {
  telemetry: MemoryTelemetry;
  /** Component name → check; the guide's names are mem0_api, mcp_server, postgresql, neo4j, redis, monitoring. */
  checks: Record<string, HealthCheck>;
  /** Per check; default 5000 ms. */
  timeoutMs?: number;
  /** For start(); default 30 s. */
  intervalMs?: number;
  /** Also push the registry to a Pushgateway after each run (job `ai_health_check`). */
  pushgatewayUrl?: string;
  logger?: (message: string) => void;
}

async function withTimeout(check: HealthCheck, timeoutMs: number): Promise<ComponentHealth> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ComponentHealth>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ healthy: false, error: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      // then(): a check that throws synchronously is a failed check, not a failed run.
      Promise.resolve()
        .then(() => check(controller.signal))
        .catch((error: unknown) => ({ healthy: false, error: errorMessage(error) })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The guide's system health checker: every component checked in parallel with a timeout, an
 * overall score 0–100 (the share of healthy components), exposed as `ai_system_health_score`,
 * `ai_component_health{component}` (100 or 0) and `ai_health_check_duration_seconds`.
 */
export class HealthChecker {
  private stopTimer: (() => void) | undefined;
  private running: Promise<HealthReport> | undefined;
  last: HealthReport | undefined;

  constructor(private readonly options: HealthCheckerOptions) {}

  async run(): Promise<HealthReport> {
    this.running ??= this.runOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runOnce(): Promise<HealthReport> {
    const started = performance.now();
    const names = Object.keys(this.options.checks);
    const results = await Promise.all(
      names.map((name) => withTimeout(this.options.checks[name], this.options.timeoutMs ?? 5000))
    );
    const components: Record<string, ComponentHealth> = {};
    names.forEach((name, i) => (components[name] = results[i]));
    const healthy = results.filter((r) => r.healthy).length;
    const score = names.length === 0 ? 0 : (healthy / names.length) * 100;
    const duration = (performance.now() - started) / 1000;
    const { metrics } = this.options.telemetry;
    try {
      for (const name of names) {
        metrics.componentHealth.set(
          { component: name },
          components[name].healthy ? COMPONENT_HEALTH_VALUES.healthy : COMPONENT_HEALTH_VALUES.unhealthy
        );
      }
      metrics.systemHealthScore.set(score);
      metrics.healthCheckDuration.set(duration);
    } catch (error) {
      this.options.logger?.(`telemetry: could not record health: ${(error as Error).message}`);
    }
    if (this.options.pushgatewayUrl) {
      await new Pushgateway(this.options.pushgatewayUrl, { timeout: 5000 }, this.options.telemetry.registry)
        .pushAdd({ jobName: 'ai_health_check' })
        .catch((error: Error) => this.options.logger?.(`telemetry: Pushgateway push failed: ${error.message}`));
    }
    this.last = { overall_score: score, components, timestamp: Date.now() / 1000, duration_seconds: duration };
    return this.last;
  }

  /** Runs now and then every interval, in the background; errors never escape. */
  start(): this {
    this.stop();
    this.stopTimer = runEvery(this.options.intervalMs ?? 30_000, () => this.run());
    return this;
  }

  stop(): void {
    this.stopTimer?.();
    this.stopTimer = undefined;
  }
}

/** An HTTP endpoint answering 2xx (the mem0 API's /health, an MCP server, Prometheus' /-/ready…). */
export function httpCheck(url: string): HealthCheck {
  return async (signal) => {
    const started = performance.now();
    const response = await fetch(url, { signal });
    await response.arrayBuffer().catch(() => undefined);
    return {
      healthy: response.ok,
      status: response.status,
      response_time_ms: Math.round(performance.now() - started),
      ...(response.ok ? {} : { error: `${url} answered HTTP ${response.status}` }),
    };
  };
}

/**
 * Runs `use` with `release` called the moment `signal` aborts, so that a client waiting on a
 * server that never answers is destroyed at the check's timeout instead of living on.
 */
async function releasedOnAbort<T>(signal: AbortSignal, release: () => void, work: () => Promise<T>): Promise<T> {
  signal.throwIfAborted();
  const onAbort = () => {
    try {
      release();
    } catch {
      // already closed
    }
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await work();
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** PostgreSQL answers, and whether the pgvector extension is installed. Needs the `pg` package. */
export function postgresCheck(connectionString: string): HealthCheck {
  return async (signal) => {
    const { default: pg } = await import('pg');
    let socket: Socket | undefined;
    const client = new pg.Client({
      connectionString,
      connectionTimeoutMillis: 5000,
      // Our own socket (pg's documented `stream` option), so that an abort can destroy it:
      // `client.end()` only asks the server to close, and a hanging server never does.
      stream: () => (socket = new Socket()),
    });
    client.on('error', () => undefined);
    return releasedOnAbort(
      signal,
      () => socket?.destroy(),
      async () => {
        await client.connect();
        try {
          const result = await client.query("SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'vector'");
          return { healthy: true, vector_extension: result.rows[0].n > 0 };
        } finally {
          if (!signal.aborted) {
            await client.end().catch(() => undefined);
          }
        }
      }
    );
  };
}

/** Neo4j accepts a Bolt session and answers a query. Needs the `neo4j-driver` package. */
export function neo4jCheck(url: string, auth?: { user: string; password: string }): HealthCheck {
  return async (signal) => {
    const neo4j = await import('neo4j-driver');
    const driver = neo4j.default.driver(url, auth ? neo4j.default.auth.basic(auth.user, auth.password) : undefined, {
      connectionTimeout: 5000,
      maxConnectionPoolSize: 1,
    });
    const close = () => driver.close().catch(() => undefined);
    return releasedOnAbort(
      signal,
      () => void close(),
      async () => {
        try {
          const info = await driver.getServerInfo();
          return { healthy: true, server: info.agent ?? 'neo4j' };
        } finally {
          await close();
        }
      }
    );
  };
}

/** Redis answers PING. Needs the `redis` package. */
export function redisCheck(url: string): HealthCheck {
  return async (signal) => {
    const { createClient } = await import('redis');
    const client = createClient({ url, socket: { connectTimeout: 5000, reconnectStrategy: false } });
    client.on('error', () => undefined);
    // disconnect() closes the socket at once; quit() waits for an answer that may never come.
    const disconnect = () =>
      void Promise.resolve()
        .then(() => client.disconnect())
        .catch(() => undefined);
    // An abort while the socket is still being created finds nothing to close yet (redis 4 then
    // fails inside disconnect()): close it as soon as it connects.
    client.on('connect', () => signal.aborted && disconnect());
    return releasedOnAbort(signal, disconnect, async () => {
      await client.connect();
      try {
        const pong = await client.ping();
        return { healthy: pong === 'PONG' };
      } finally {
        if (!signal.aborted) {
          await client.quit().catch(() => undefined);
        }
      }
    });
  };
}

/** The monitoring stack: Prometheus, Elasticsearch and Jaeger each answer; healthy when all do. */
export function monitoringCheck(urls: { prometheus?: string; elasticsearch?: string; jaeger?: string }): HealthCheck {
  return async (signal) => {
    const targets: Record<string, string | undefined> = {
      prometheus: urls.prometheus && `${urls.prometheus}/-/ready`,
      elasticsearch: urls.elasticsearch && `${urls.elasticsearch}/_cluster/health`,
      jaeger: urls.jaeger && `${urls.jaeger}/api/services`,
    };
    const parts: Record<string, boolean> = {};
    await Promise.all(
      Object.entries(targets)
        .filter((entry): entry is [string, string] => Boolean(entry[1]))
        .map(async ([name, url]) => {
          parts[name] = await fetch(url, { signal }).then(
            (r) => r.ok,
            () => false
          );
        })
    );
    const down = Object.entries(parts)
      .filter(([, ok]) => !ok)
      .map(([name]) => name);
    return {
      healthy: down.length === 0 && Object.keys(parts).length > 0,
      ...parts,
      ...(down.length ? { error: `not answering: ${down.join(', ')}` } : {}),
    };
  };
}

/**
 * The JSON texts of an answer: the body itself when it is JSON, else the `data` of each
 * server-sent event (Streamable HTTP may answer either way). A line scanner, not a regex: the
 * body is whatever the server sends.
 */
function jsonTexts(body: string): string[] {
  if (body.trimStart().startsWith('{')) {
    return [body];
  }
  const events: string[] = [];
  let data: string[] = [];
  const flush = () => {
    if (data.length > 0) {
      events.push(data.join('\n'));
      data = [];
    }
  };
  for (const rawLine of body.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line === '') {
      flush();
    } else if (line.startsWith('data:')) {
      const value = line.slice('data:'.length);
      data.push(value.startsWith(' ') ? value.slice(1) : value);
    }
  }
  flush();
  return events;
}

/** `result.serverInfo.name` of a JSON-RPC initialize answer, sent as JSON or as server-sent events. */
export function mcpServerName(body: string): string | undefined {
  for (const text of jsonTexts(body)) {
    try {
      const name = JSON.parse(text)?.result?.serverInfo?.name;
      if (typeof name === 'string' && name !== '') {
        return name;
      }
    } catch {
      // not JSON: not the answer
    }
  }
  return undefined;
}

/** An MCP server over Streamable HTTP answers `initialize` (JSON-RPC) with a server name. */
export function mcpCheck(url: string): HealthCheck {
  return async (signal) => {
    const response = await fetch(url, {
      method: 'POST',
      signal,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'memstack-health', version: '1.0.0' },
        },
      }),
    });
    const server = mcpServerName(await response.text());
    return response.ok && server
      ? { healthy: true, server }
      : { healthy: false, error: `${url} answered HTTP ${response.status} without an MCP initialize result` };
  };
}
