import cluster, { type Worker } from 'node:cluster';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { ClusterMetricsPrimary } from '@memstack/telemetry';
import type { DemoConfig } from './config.js';

const require = createRequire(import.meta.url);

/**
 * The demo as a Node `cluster` (DEMO_WORKERS > 1): the primary serves nothing itself; it forks
 * the workers, each a whole demo listening on the shared port, keeps one ClusterMetricsPrimary
 * that every worker's /metrics asks for the merged series, restarts a worker that dies (in the
 * same slot, so that its `worker` label stays), and relays fault injection to every worker.
 */

/** Environment the primary gives each worker (not for users to set). */
export const WORKER_ENV = { slot: 'DEMO_WORKER_SLOT', storeDir: 'DEMO_STORE_DIR' } as const;

/** Which worker this process is: its slot (0 … count−1, the `worker` label) and the shared store. */
export interface WorkerSlot {
  index: number;
  count: number;
  /** mem0's vector store and history as SQLite files every worker opens. */
  vectorDbPath: string;
  historyDbPath: string;
}

/** Message a worker sends the primary after a POST /admin/faults, and the primary sends the others. */
export const FAULTS_MESSAGE = 'demo:faults';

export function workerSlot(config: Pick<DemoConfig, 'workers'>, env = process.env): WorkerSlot | undefined {
  const index = Number(env[WORKER_ENV.slot]);
  const storeDir = env[WORKER_ENV.storeDir];
  if (!cluster.isWorker || !Number.isInteger(index) || !storeDir) {
    return undefined;
  }
  return {
    index,
    count: config.workers,
    vectorDbPath: path.join(storeDir, 'vectors.db'),
    historyDbPath: path.join(storeDir, 'history.db'),
  };
}

/**
 * The agents a worker simulates: every `count`-th of the configured agents, from its slot, at its
 * share of the rate, so that the workers together run the configured simulation once.
 */
export function agentShare(
  config: Pick<DemoConfig, 'agents' | 'rate'>,
  slot: Pick<WorkerSlot, 'index' | 'count'> | undefined
): { agentIndexes: number[]; rate: number } {
  const all = Array.from({ length: config.agents }, (_, i) => i);
  if (!slot) {
    return { agentIndexes: all, rate: config.rate };
  }
  const agentIndexes = all.filter((i) => i % slot.count === slot.index);
  return { agentIndexes, rate: (config.rate * agentIndexes.length) / config.agents };
}

/** A worker that dies sooner than this after it started counts as failing to start. */
const QUICK_EXIT_MS = 10_000;
/** Failures to start in a row (any slot) after which the primary gives up. */
const MAX_QUICK_EXITS = 5;

export async function runPrimary(config: DemoConfig, log: (message: string) => void): Promise<void> {
  const storeDir = mkdtempSync(path.join(tmpdir(), 'agentmemory-demo-'));
  // WAL, so that the workers read while one writes; set once here, it is kept in the files.
  const Database = require('better-sqlite3');
  for (const file of ['vectors.db', 'history.db']) {
    const db = new Database(path.join(storeDir, file));
    db.pragma('journal_mode = WAL');
    db.close();
  }
  // OpenMetrics like a single demo's registry, so that the merged latency buckets keep exemplars.
  const metrics = new ClusterMetricsPrimary({
    timeoutMs: 2000,
    contentType: Registry.OPENMETRICS_CONTENT_TYPE,
    logger: log,
  }).start();

  const slots = new Map<number, { index: number; startedAt: number }>();
  let stopping = false;
  let quickExits = 0;
  const fork = (index: number) => {
    const worker = cluster.fork({ [WORKER_ENV.slot]: String(index), [WORKER_ENV.storeDir]: storeDir });
    slots.set(worker.id, { index, startedAt: Date.now() });
  };

  cluster.on('exit', (worker: Worker, code: number | null, signal: string | null) => {
    const slot = slots.get(worker.id);
    slots.delete(worker.id);
    if (stopping || !slot) {
      return;
    }
    quickExits = Date.now() - slot.startedAt < QUICK_EXIT_MS ? quickExits + 1 : 0;
    if (quickExits >= MAX_QUICK_EXITS) {
      log(`worker ${slot.index} exited (${signal ?? code}); ${quickExits} workers failed to start in a row: stopping`);
      void stop(1);
      return;
    }
    log(`worker ${slot.index} exited (${signal ?? code}); starting another in its slot`);
    setTimeout(() => !stopping && fork(slot.index), 1000).unref();
  });
  // Fault injection reaches one worker; the others get the same request from here.
  cluster.on('message', (from: Worker, message: { type?: unknown; body?: unknown } | null) => {
    if (message?.type !== FAULTS_MESSAGE) {
      return;
    }
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker && worker !== from && worker.isConnected()) {
        worker.send({ type: FAULTS_MESSAGE, body: message.body }, () => undefined);
      }
    }
  });

  const stop = async (code: number) => {
    if (stopping) {
      return;
    }
    stopping = true;
    metrics.stop();
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    const exited = Promise.all(
      workers.map((w) => new Promise((resolve) => (w.isDead() ? resolve(undefined) : w.once('exit', resolve))))
    );
    for (const worker of workers) {
      worker.process.kill('SIGTERM');
    }
    const timer = setTimeout(() => workers.forEach((w) => w.isDead() || w.process.kill('SIGKILL')), 8000);
    await exited;
    clearTimeout(timer);
    rmSync(storeDir, { recursive: true, force: true });
    process.exit(code);
  };
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));

  log(`primary ${process.pid}: ${config.workers} workers on ${config.host}:${config.port}, one /metrics for all`);
  for (let index = 0; index < config.workers; index++) {
    fork(index);
  }
}
