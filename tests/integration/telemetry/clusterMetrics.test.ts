/**
 * The SDK across processes, against real processes on free loopback ports (fixtures/clusterService.mts,
 * a small service on this tree's SDK; no stack server is needed):
 *   - a Node cluster of 3 workers: the one /metrics endpoint answers, whichever worker takes the
 *     scrape, the work of all of them: counters equal the operations driven, histogram buckets,
 *     _sum and _count merged, the summary's _sum and _count merged (its quantiles left out), gauges
 *     as docs/sdk.md says (summed, maxed, minned, or one series per worker); a hung worker does not
 *     hold the scrape past the primary's timeout, and a dead worker's counters stay in the sums;
 *   - two plain processes, each its own target: each target counts its own work, and the
 *     dashboards' aggregations across `instance` give the service's totals.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { eventually } from '../env';

jest.setTimeout(120_000);

const repo = path.resolve(__dirname, '../../..');
const FIXTURE = path.join(__dirname, 'fixtures/clusterService.mts');
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5];
/** Operation durations, cycled: one under the first bucket, some between, one over the last. */
const DURATIONS = [0.003, 0.02, 0.07, 0.3, 0.9, 4];

interface Service {
  process: ChildProcess;
  url: string;
  metricsUrl?: string;
  out: string[];
  err: string[];
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const running: ChildProcess[] = [];

async function startService(args: { workers: number; slot?: number; store?: number }): Promise<Service> {
  const port = await freePort();
  const metricsPort = args.workers > 0 ? await freePort() : undefined;
  const argv = ['--port', String(port), '--workers', String(args.workers), '--slot', String(args.slot ?? 0)];
  if (metricsPort) {
    argv.push('--metrics-port', String(metricsPort));
  }
  if (args.store !== undefined) {
    argv.push('--store', String(args.store));
  }
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, ...argv], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  const service: Service = {
    process: child,
    url: `http://127.0.0.1:${port}`,
    metricsUrl: metricsPort ? `http://127.0.0.1:${metricsPort}/metrics` : undefined,
    out: [],
    err: [],
  };
  child.stdout?.on('data', (chunk) => service.out.push(String(chunk)));
  child.stderr?.on('data', (chunk) => service.err.push(String(chunk)));
  await eventually(
    async () => {
      if (child.exitCode !== null) {
        throw new Error(`the service exited: ${service.err.join('')}`);
      }
      return service.out.join('').includes('ready\n') ? true : undefined;
    },
    60_000,
    `the service (${args.workers} workers) to listen`
  );
  return service;
}

afterAll(() => {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
    }
  }
});

/** One request on a connection of its own, so that the cluster hands each to the next worker. */
function request(url: string, method = 'GET', timeoutMs = 10_000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent: false, headers: { Connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Who answered: the fixture's `{ slot, pid }`. */
async function call(url: string, method = 'POST'): Promise<{ slot: number; pid: number }> {
  const { status, body } = await request(url, method);
  expect(status).toBe(200);
  return JSON.parse(body);
}

/** Samples of an exposition: `name{a="x",b="y"}` (labels sorted) → value; comments and exemplars left out. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) {
      continue;
    }
    const match = /^([^{ ]+)(?:\{(.*?)\})? (\S+)/.exec(line);
    if (!match) {
      throw new Error(`unparsable sample line: ${line}`);
    }
    const labels = (match[2] ?? '')
      .split(/,(?=[a-zA-Z_]+=")/)
      .filter(Boolean)
      .sort()
      .join(',');
    out.set(`${match[1]}{${labels}}`, Number(match[3]));
  }
  return out;
}

const key = (name: string, labels: Record<string, string | number> = {}) =>
  `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',')}}`;

async function scrape(url: string): Promise<Map<string, number>> {
  const { status, body } = await request(url, 'GET');
  expect([status, body.slice(0, 200)]).toEqual([200, expect.any(String)]);
  return samples(body);
}

/** Drives `count` operations (durations DURATIONS cycled, every third a cache miss); answers per slot. */
async function driveOperations(service: Service, count: number, from = 0): Promise<Map<number, number>> {
  const perSlot = new Map<number, number>();
  for (let i = from; i < from + count; i++) {
    const { slot } = await call(
      `${service.url}/op?seconds=${DURATIONS[i % DURATIONS.length]}&hit=${i % 3 === 0 ? 0 : 1}`
    );
    perSlot.set(slot, (perSlot.get(slot) ?? 0) + 1);
  }
  return perSlot;
}

/** What one process doing operations from..from+count would expose, by series. */
function expectedWork(count: number, from = 0) {
  const durations = Array.from({ length: count }, (_, i) => DURATIONS[(from + i) % DURATIONS.length]);
  const buckets = Object.fromEntries(
    [...BUCKETS.map(String), '+Inf'].map((le) => [le, durations.filter((d) => le === '+Inf' || d <= Number(le)).length])
  );
  const hits = Array.from({ length: count }, (_, i) => ((from + i) % 3 === 0 ? 0 : 1)).reduce<number>(
    (a, b) => a + b,
    0
  );
  return { count, sum: durations.reduce((a, b) => a + b, 0), buckets, hits };
}

const OP = { operation: 'search', agent_type: 'coding' };
const OPERATIONS = key('ai_memory_operations_total', { ...OP, status: 'success' });
const HTTP_OPS = key('http_requests_total', { method: 'POST', endpoint: '/op', status: '200' });

/** `merged`: a cluster's answer, whose summary has no quantiles (they cannot be merged). */
function expectWork(series: Map<string, number>, work: ReturnType<typeof expectedWork>, merged = true) {
  expect(series.get(OPERATIONS)).toBe(work.count);
  expect(series.get(HTTP_OPS)).toBe(work.count);
  expect(series.get(key('ai_memory_operation_duration_seconds_count', OP))).toBe(work.count);
  expect(series.get(key('ai_memory_operation_duration_seconds_sum', OP))).toBeCloseTo(work.sum, 9);
  for (const [le, n] of Object.entries(work.buckets)) {
    expect([le, series.get(key('ai_memory_operation_duration_seconds_bucket', { ...OP, le }))]).toEqual([le, n]);
  }
  expect(series.get(key('ai_cache_hit_ratio_count', { cache_layer: 'redis', operation: 'search' }))).toBe(work.count);
  expect(series.get(key('ai_cache_hit_ratio_sum', { cache_layer: 'redis', operation: 'search' }))).toBe(work.hits);
  expect([...series.keys()].some((k) => k.includes('quantile='))).toBe(!merged);
}

/** Sets each worker's gauges (from its slot) by asking until every slot has answered. */
async function setStates(service: Service, slots: number): Promise<void> {
  const seen = new Set<number>();
  for (let tries = 0; seen.size < slots && tries < 50; tries++) {
    seen.add((await call(`${service.url}/state`)).slot);
  }
  expect(seen.size).toBe(slots);
}

describe('a cluster of 3 workers behind one /metrics', () => {
  let service: Service;
  let pids: Map<number, number>;
  const K = 36;

  beforeAll(async () => {
    service = await startService({ workers: 3 });
    pids = new Map();
    for (let tries = 0; pids.size < 3 && tries < 30; tries++) {
      const { slot, pid } = await call(`${service.url}/whoami`, 'GET');
      pids.set(slot, pid);
    }
  });

  it('answers, through whichever worker takes the scrape, counters equal to the work done across all of them', async () => {
    const perSlot = await driveOperations(service, K);
    // The cluster handed the requests to every worker.
    expect([...perSlot.keys()].sort()).toEqual([0, 1, 2]);
    await setStates(service, 3);
    // Several scrapes, each taken by the next worker in turn: every one answers for all.
    const answers = [];
    for (let i = 0; i < 3; i++) {
      answers.push(await scrape(`${service.url}/metrics`));
    }
    for (const series of answers) {
      expectWork(series, expectedWork(K));
    }
    expectWork(await scrape(service.metricsUrl!), expectedWork(K));
  });

  it('merges each gauge as documented: sessions summed, the shared store maxed, breakers per worker', async () => {
    const series = await scrape(`${service.url}/metrics`);
    expect(series.get(key('ai_agent_active_sessions', { agent_type: 'coding' }))).toBe(1 + 2 + 3);
    expect(series.get(key('ai_memory_store_memories', { agent_type: 'coding' }))).toBe(102);
    expect(series.get(key('ai_component_health', { component: 'redis' }))).toBe(0);
    expect(series.get(key('ai_system_health_score'))).toBe(51);
    for (const [slot, state] of [1, 2, 0].entries()) {
      expect(series.get(key('circuit_breaker_state', { service_name: 'neo4j', worker: slot }))).toBe(state);
    }
    for (const [slot, level] of [0, 1, 3].entries()) {
      expect(series.get(key('service_degradation_level', { service_name: 'memory-api', worker: slot }))).toBe(level);
      expect(series.get(key('ai_memory_consolidation_ratio', { agent_type: 'coding', worker: slot }))).toBe(
        (slot + 1) / 10
      );
    }
    expect(series.get(key('circuit_breaker_state', { service_name: 'neo4j' }))).toBeUndefined();
  });

  it('answers within the primary’s timeout while a worker hangs, with its last counters and without its gauges', async () => {
    const hung = pids.get(2)!;
    process.kill(hung, 'SIGSTOP');
    try {
      const started = performance.now();
      // The primary's own endpoint: a connection the cluster hands to the stopped worker would wait with it.
      const series = await scrape(service.metricsUrl!);
      const took = performance.now() - started;
      expect(took).toBeGreaterThanOrEqual(900); // it did wait for the worker, up to its 1 s timeout
      expect(took).toBeLessThan(5000);
      expectWork(series, expectedWork(K));
      expect(series.get(key('circuit_breaker_state', { service_name: 'neo4j', worker: 2 }))).toBeUndefined();
      expect(series.get(key('circuit_breaker_state', { service_name: 'neo4j', worker: 0 }))).toBe(1);
      expect(service.err.join('')).toContain('cluster worker 2 did not answer for metrics within 1000 ms');
    } finally {
      process.kill(hung, 'SIGCONT');
    }
  });

  it('keeps a dead worker’s counters in the sums, so that no counter of the answer goes down', async () => {
    process.kill(pids.get(1)!, 'SIGKILL');
    await eventually(async () => (service.out.join('').includes('exit 1\n') ? true : undefined), 10_000, 'the exit');
    const started = performance.now();
    const series = await scrape(service.metricsUrl!);
    expect(performance.now() - started).toBeLessThan(900); // a dead worker is not waited for
    expectWork(series, expectedWork(K));
    expect(series.get(key('circuit_breaker_state', { service_name: 'neo4j', worker: 1 }))).toBeUndefined();
    // More work on the two workers left: the sums go on from where they were.
    const perSlot = await driveOperations(service, 12, K);
    expect([...perSlot.keys()].sort()).toEqual([0, 2]);
    const total = await scrape(`${service.url}/metrics`);
    const work = expectedWork(K + 12);
    expectWork(total, work);
  });
});

describe('two plain processes, each its own scrape target', () => {
  it('count their own work, and the dashboards’ aggregations across instances give the totals', async () => {
    // Both count the same shared store (150 memories), as a real service's processes do.
    const [a, b] = await Promise.all([
      startService({ workers: 0, slot: 0, store: 150 }),
      startService({ workers: 0, slot: 1, store: 150 }),
    ]);
    const [perA, perB] = [await driveOperations(a, 7), await driveOperations(b, 5, 7)];
    expect([[...perA.keys()], [...perB.keys()]]).toEqual([[0], [1]]);
    await call(`${a.url}/state`);
    await call(`${b.url}/state`);
    const targets = { [a.url]: await scrape(`${a.url}/metrics`), [b.url]: await scrape(`${b.url}/metrics`) };
    expectWork(targets[a.url], expectedWork(7), false);
    expectWork(targets[b.url], expectedWork(5, 7), false);

    // What Prometheus stores: each target's series with its `instance` label; then the dashboards'
    // aggregations, which must drop `instance`.
    const stored = Object.entries(targets).flatMap(([instance, series]) =>
      [...series].map(([name, value]) => ({ name, instance, value }))
    );
    const aggregate = (how: 'sum' | 'max', series: string) =>
      stored
        .filter((s) => s.name === series)
        .map((s) => s.value)
        .reduce((x, y) => (how === 'sum' ? x + y : Math.max(x, y)));
    // sum by (operation) (rate(ai_memory_operations_total…)), at the rates' source: the counts.
    expect(aggregate('sum', OPERATIONS)).toBe(12);
    expect(aggregate('sum', key('ai_memory_operation_duration_seconds_count', OP))).toBe(12);
    expect(aggregate('sum', key('ai_memory_operation_duration_seconds_bucket', { ...OP, le: '0.025' }))).toBe(
      expectedWork(12).buckets['0.025']
    );
    // sum by (agent_type) (ai_agent_active_sessions): each process's own sessions.
    expect(aggregate('sum', key('ai_agent_active_sessions', { agent_type: 'coding' }))).toBe(3);
    // The store both processes count is counted once: the dashboard takes the max, not the sum.
    expect(aggregate('max', key('ai_memory_store_memories', { agent_type: 'coding' }))).toBe(150);
    const dashboard = JSON.stringify(
      JSON.parse(readFileSync(path.join(repo, 'src/dashboards/ai-memory-quality.json'), 'utf8'))
    );
    expect(dashboard).toContain('max by (agent_type) (ai_memory_store_memories{');
    expect(dashboard).not.toContain('sum by (agent_type) (ai_memory_store_memories');
    expect(dashboard).not.toContain('sum by (agent_type) (delta(ai_memory_store_memories');
  });
});
