/**
 * Demo memory service: mem0's self-hosted `Memory` instrumented with `instrumentMem0`, a
 * deterministic hashed embedder, Redis as a cache in front of search, Neo4j and PostgreSQL
 * beside it, an HTTP API with /health and /metrics, an MCP endpoint, and simulated agents.
 * Every signal of the @memstack/telemetry catalog comes out of it.
 *
 *   node --import tsx demo/src/main.ts [--host 127.0.0.1] [--port 8000] [--rate 20] [--agents 10] [--latency neo4j:1500] [--workers 1]
 *
 * With --workers N (DEMO_WORKERS) above 1 it runs as a Node cluster of N workers (cluster.ts).
 */
process.env.MEM0_TELEMETRY = 'false'; // mem0's own product analytics would call out to the internet

import cluster from 'node:cluster';
import { createRequire } from 'node:module';
import { Registry } from 'prom-client';
import { Client } from '@elastic/elasticsearch';
import {
  AiEventLogger,
  ClusterMetricsWorker,
  HealthChecker,
  MemoryTelemetry,
  httpCheck,
  instrumentMem0,
  mcpCheck,
  monitoringCheck,
  neo4jCheck,
  postgresCheck,
  redisCheck,
  setupTracing,
  StoreSizeSampler,
  type EsClientLike,
  type PrivacyOptions,
} from '@memstack/telemetry';
import { createBreakers } from './breakers.js';
import { noFaults, withMemoryFaults } from './faults.js';
import { readConfig, selfUrl } from './config.js';
import { HashedEmbeddings, offlineMemoryConfig } from './offlineModels.js';
import { MemoryService, type Mem0Like } from './memoryService.js';
import { AgentSimulation } from './agents.js';
import { applyAdminFaults, createApp } from './api.js';
import { allowedHostnames } from './access.js';
import { demoAgentType, mem0StoreCount } from './storeSize.js';
import { agentShare, FAULTS_MESSAGE, runPrimary, workerSlot } from './cluster.js';

const require = createRequire(import.meta.url);

/**
 * A local demo of every signal: its simulated queries and memory texts are sent (real services keep
 * the defaults: queries dropped, memory texts hashed). Memory ids stay hashed, as by default.
 */
const DEMO_PRIVACY: PrivacyOptions = { queryText: 'keep', memoryContent: 'keep' };

async function main(): Promise<void> {
  const config = readConfig();
  if (config.workers > 1 && cluster.isPrimary) {
    await runPrimary(config, (message) => process.stderr.write(`[demo] ${message}\n`));
    return;
  }
  // In a cluster: this worker's slot, its share of the agents, and the store every worker shares.
  const slot = workerSlot(config);
  const log = (message: string) => process.stderr.write(`[demo${slot ? ` w${slot.index}` : ''}] ${message}\n`);
  const tracing = setupTracing({
    serviceName: 'agentmemory-demo',
    otlpUrl: config.otlpUrl,
    instrument: { http: true, pg: true, redis: true },
  });
  // OpenMetrics, so that the latency histogram carries trace ids as exemplars (Prometheus keeps
  // them with --enable-feature=exemplar-storage, and Grafana links them to Jaeger).
  const registry = new Registry<typeof Registry.OPENMETRICS_CONTENT_TYPE>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  const telemetry = new MemoryTelemetry({ registry, agentIdCap: config.agentIdCap, logger: log });
  const faults = noFaults(config.latency);
  const breakers = createBreakers(
    telemetry,
    ['vector_store', 'redis', 'neo4j', 'postgres', 'elasticsearch'],
    faults.latency
  );

  // Events go through the elasticsearch breaker, so that a dead cluster is skipped quickly.
  const es = new Client({ node: config.elasticsearchUrl, requestTimeout: 3000, maxRetries: 0 });
  const guardedEs: EsClientLike = {
    helpers: { bulk: (options: any) => breakers.call('elasticsearch', () => es.helpers.bulk(options)) },
    indices: {
      putIndexTemplate: (request: any) => breakers.call('elasticsearch', () => es.indices.putIndexTemplate(request)),
    },
    nodes: { info: (request: any) => breakers.call('elasticsearch', () => es.nodes.info(request)) },
  };
  // One shard, no replica: the local stack is a single node (the guide's 2/1 stays the SDK default).
  const events = new AiEventLogger({
    client: guardedEs,
    telemetry,
    logger: log,
    shards: 1,
    replicas: 0,
    defaults: { service: 'agentmemory-demo' },
    privacy: DEMO_PRIVACY,
  });

  const { Memory } = await import('mem0ai/oss');
  const memory = new Memory(
    offlineMemoryConfig('agentmemory', new HashedEmbeddings(() => faults.embedderDrift), slot ?? undefined)
  );
  const instrumented = instrumentMem0(withMemoryFaults(memory as unknown as Mem0Like, faults), {
    telemetry,
    events,
    storeId: 'agentmemory',
    privacy: DEMO_PRIVACY,
    agentType: (ids) => demoAgentType(ids.agentId),
  });

  const service = new MemoryService(instrumented, telemetry, events, breakers, config, faults);
  service.updateDegradation();

  const base = selfUrl(config);
  const health = new HealthChecker({
    telemetry,
    intervalMs: config.healthIntervalMs,
    timeoutMs: 2000,
    checks: {
      mem0_api: httpCheck(`${base}/health`),
      mcp_server: mcpCheck(`${base}/mcp`),
      postgresql: postgresCheck(config.postgresUrl),
      neo4j: neo4jCheck(config.neo4jUrl),
      redis: redisCheck(config.redisUrl),
      monitoring: monitoringCheck({
        prometheus: config.prometheusUrl,
        elasticsearch: config.elasticsearchUrl,
        jaeger: config.jaegerUrl,
      }),
    },
    logger: log,
  });

  // Listening and health checks come before the backends' connections: a backend that is down
  // or slow at start (Neo4j's driver retries for 30 s) shows in /metrics and /health at once,
  // instead of a service that does not answer at all.
  const http = require('node:http');
  // A worker's /metrics answers for the whole cluster, whichever worker takes the scrape; a fault
  // request one worker takes is relayed by the primary to the others.
  const clusterMetrics = slot
    ? new ClusterMetricsWorker(telemetry, { worker: String(slot.index), logger: log }).start()
    : undefined;
  if (slot) {
    process.on('message', (message: { type?: unknown; body?: unknown } | null) => {
      if (message?.type === FAULTS_MESSAGE && typeof message.body === 'object' && message.body !== null) {
        applyAdminFaults(service, faults, message.body as Record<string, unknown>).catch((error) =>
          log(`a relayed fault request failed: ${(error as Error).message}`)
        );
      }
    });
  }
  const server = http.createServer(
    createApp(
      service,
      telemetry,
      () => health,
      faults,
      { adminToken: config.adminToken, mcpHostnames: allowedHostnames(config.host) },
      {
        metrics: clusterMetrics?.handler(),
        onFaults: slot ? (body) => process.send?.({ type: FAULTS_MESSAGE, body }, () => undefined) : undefined,
      }
    )
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  health.start();
  // Every 15 s, Prometheus' default scrape interval: each scrape sees a fresh count, and none waits on it.
  const storeSize = new StoreSizeSampler({
    telemetry,
    count: mem0StoreCount(memory),
    intervalMs: 15_000,
    timeoutMs: 2000,
  }).start();
  if (!config.adminToken) {
    log('fault injection (/admin/faults) is disabled: DEMO_ADMIN_TOKEN is not set');
  }
  const degradation = setInterval(() => service.updateDegradation(), 1000);
  log(
    `listening on ${config.host}:${config.port}, here ${base} (metrics ${base}/metrics, MCP ${base}/mcp); connecting the backends`
  );

  let agents: AgentSimulation | undefined;
  let stopping = false;
  const stop = async () => {
    if (stopping) {
      return;
    }
    stopping = true;
    agents?.stop();
    health.stop();
    storeSize.stop();
    clearInterval(degradation);
    clusterMetrics?.stop();
    server.close();
    await Promise.race([
      Promise.allSettled([events.close(), service.close(), tracing.shutdown(), es.close()]),
      new Promise((resolve) => setTimeout(resolve, 3000)),
    ]);
    breakers.shutdown();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());

  await service.connect();
  if (stopping) {
    return;
  }
  service.updateDegradation();
  const share = agentShare(config, slot);
  agents = new AgentSimulation(base, telemetry, config.agents, share.rate, faults, share.agentIndexes);
  agents.start();
  log(`memory service ready: ${share.agentIndexes.length} agents at ${Math.round(share.rate * 100) / 100} ops/s`);
}

main().catch((error) => {
  process.stderr.write(`[demo] could not start: ${error?.stack ?? error}\n`);
  process.exit(1);
});
