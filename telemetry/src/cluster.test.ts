import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Registry } from 'prom-client';
import { ALL_METRICS, CATALOG } from './catalog.js';
import {
  ClusterMetricsPrimary,
  ClusterMetricsWorker,
  mergeClusterMetrics,
  type ClusterLike,
  type ClusterWorkerHandle,
  type WorkerProcessLike,
} from './cluster.js';
import { MemoryTelemetry } from './memoryTelemetry.js';

/** Samples of an exposition: `name{a="x",b="y"}` (labels sorted) → value. Comments and exemplars left out. */
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

const series = (name: string, labels: Record<string, string | number> = {}) =>
  `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',')}}`;

/** An in-process cluster: a primary's view of workers whose `process` is a ClusterMetricsWorker's. */
class FakeCluster extends EventEmitter implements ClusterLike {
  readonly isPrimary = true;
  readonly workers: NodeJS.Dict<FakeWorker> = {};
  private nextId = 1;

  fork(): FakeWorker {
    const worker = new FakeWorker(this.nextId++, this);
    this.workers[worker.id] = worker;
    return worker;
  }

  exit(worker: FakeWorker): void {
    worker.connected = false;
    delete this.workers[worker.id];
    this.emit('exit', worker);
  }
}

class FakeWorker implements ClusterWorkerHandle {
  connected = true;
  /** A hung worker receives nothing and answers nothing. */
  hung = false;
  /** The worker's own `process`. */
  readonly process: WorkerProcessLike & EventEmitter;

  constructor(
    readonly id: number,
    cluster: FakeCluster
  ) {
    const proc = new EventEmitter() as WorkerProcessLike & EventEmitter;
    proc.send = (message: unknown, callback?: (error: Error | null) => void) => {
      if (!this.connected) {
        setImmediate(() => callback?.(new Error('channel closed')));
        return false;
      }
      // Through JSON, as node's IPC carries it.
      const copy = JSON.parse(JSON.stringify(message));
      setImmediate(() => {
        if (!this.hung) {
          cluster.emit('message', this, copy);
        }
        callback?.(null);
      });
      return true;
    };
    this.process = proc;
  }

  isConnected(): boolean {
    return this.connected;
  }

  send(message: unknown, callback?: (error: Error | null) => void): boolean {
    if (!this.connected) {
      setImmediate(() => callback?.(new Error('channel closed')));
      return false;
    }
    const copy = JSON.parse(JSON.stringify(message));
    setImmediate(() => {
      if (!this.hung) {
        this.process.emit('message', copy);
      }
      callback?.(null);
    });
    return true;
  }
}

function startWorker(cluster: FakeCluster, label: string, registry = new Registry<any>()) {
  const handle = cluster.fork();
  const telemetry = new MemoryTelemetry({ registry });
  const worker = new ClusterMetricsWorker(telemetry, {
    worker: label,
    process: handle.process,
    isWorker: true,
    timeoutMs: 2000,
  }).start();
  return { handle, telemetry, worker };
}

describe('the cluster aggregation of the catalog', () => {
  it('sums every counter, histogram and summary, and gives every gauge a deliberate choice', () => {
    for (const metric of ALL_METRICS) {
      if (metric.type === 'gauge') {
        expect(['sum', 'max', 'min', 'average', 'per_worker']).toContain(metric.aggregator);
      } else {
        expect([metric.name, metric.aggregator]).toEqual([metric.name, 'sum']);
      }
    }
  });

  it('is the one docs/sdk.md lists, metric by metric', () => {
    const docs = readFileSync(path.join(__dirname, '../../docs/sdk.md'), 'utf8');
    const section = docs.slice(docs.indexOf('### How each metric is merged'));
    const rows = section.slice(0, section.indexOf('\n#', 1)).split('\n');
    expect(rows.filter((line) => line.startsWith('| `'))).toHaveLength(ALL_METRICS.length);
    for (const metric of ALL_METRICS) {
      const row = rows.find((line) => line.startsWith(`| \`${metric.name}\``));
      expect([metric.name, row?.split('|')[3]?.trim()]).toEqual([metric.name, `\`${metric.aggregator}\``]);
    }
  });

  it('gives prom-client each metric’s aggregator, per_worker falling back to max', async () => {
    const telemetry = new MemoryTelemetry();
    const json = await telemetry.registry.getMetricsAsJSON();
    const declared = Object.fromEntries(json.map((m) => [m.name, m.aggregator]));
    expect(declared[CATALOG.storeMemories.name]).toBe('max');
    expect(declared[CATALOG.componentHealth.name]).toBe('min');
    expect(declared[CATALOG.circuitBreakerState.name]).toBe('max');
    expect(declared[CATALOG.memoryOperations.name]).toBe('sum');
  });
});

describe('mergeClusterMetrics', () => {
  it('merges the same work done across workers into what one process doing it all exposes', async () => {
    const one = new MemoryTelemetry();
    const workers = [new MemoryTelemetry(), new MemoryTelemetry(), new MemoryTelemetry()];
    const durations = [0.004, 0.02, 0.07, 0.3, 0.9, 3, 0.011, 0.049];
    for (let i = 0; i < 60; i++) {
      const worker = workers[i % 3];
      const [operation, agentType] = [['search', 'add', 'get'][i % 3 === 0 ? 0 : i % 2], ['coding', 'research'][i % 2]];
      const status = i % 7 === 0 ? 'error' : 'success';
      for (const t of [one, worker]) {
        t.recordOperation(operation, agentType, status, durations[i % durations.length]);
        t.trackCacheHit('redis', operation, i % 4 !== 0);
        t.trackSearchOutcome(agentType, i % 5, i % 5 ? 0.1 + (i % 9) / 10 : undefined);
        t.trackWriteOutcome('add', agentType, i % 2 ? 'add' : 'none');
      }
    }
    const merged = samples(
      await mergeClusterMetrics(
        await Promise.all(
          workers.map(async (t, i) => ({ worker: String(i), metrics: (await t.registry.getMetricsAsJSON()) as any }))
        )
      )
    );
    const single = samples((await one.exposition()).body);
    const cumulative = ALL_METRICS.filter((m) => m.type !== 'gauge').map((m) => m.name);
    let compared = 0;
    for (const [key, value] of single) {
      const name = key.slice(0, key.indexOf('{'));
      if (key.includes('quantile=') || !cumulative.some((m) => name === m || name.startsWith(`${m}_`))) {
        continue;
      }
      compared++;
      if (name.endsWith('_sum')) {
        expect([key, merged.get(key)]).toEqual([key, expect.closeTo(value, 9)]);
      } else {
        expect([key, merged.get(key)]).toEqual([key, value]);
      }
    }
    expect(compared).toBeGreaterThan(100);
    expect(
      merged.get(series('ai_memory_operation_duration_seconds_count', { operation: 'search', agent_type: 'coding' }))
    ).toBe(
      single.get(series('ai_memory_operation_duration_seconds_count', { operation: 'search', agent_type: 'coding' }))
    );
  });

  it('leaves out summary quantiles, which cannot be merged, and keeps _sum and _count', async () => {
    const [a, b] = [new MemoryTelemetry(), new MemoryTelemetry()];
    a.trackCacheHit('redis', 'search', true);
    b.trackCacheHit('redis', 'search', false);
    b.trackCacheHit('redis', 'search', true);
    const text = await mergeClusterMetrics([
      { worker: '0', metrics: (await a.registry.getMetricsAsJSON()) as any },
      { worker: '1', metrics: (await b.registry.getMetricsAsJSON()) as any },
    ]);
    expect(text).not.toContain('quantile=');
    const merged = samples(text);
    expect(merged.get(series('ai_cache_hit_ratio_sum', { cache_layer: 'redis', operation: 'search' }))).toBe(2);
    expect(merged.get(series('ai_cache_hit_ratio_count', { cache_layer: 'redis', operation: 'search' }))).toBe(3);
  });

  it('merges each gauge as the catalog says', async () => {
    const workers = [new MemoryTelemetry(), new MemoryTelemetry(), new MemoryTelemetry()];
    workers.forEach((t, i) => {
      t.setActiveSessions('coding', i + 1); // sum: 6
      t.setStoreMemories({ coding: 100 + i }); // max: 102
      t.setCircuitBreakerState('neo4j', ['open', 'half_open', 'closed'][i]); // per worker
      t.setDegradationLevel('memory-api', ['normal', 'maintenance', 'readonly'][i]); // per worker
      t.setConsolidationRatio('coding', [0.9, 0.4, 0.7][i]); // per worker
      t.setContextSize('coding:u-1', 'coding', [512, 2048, 1024][i]); // max: 2048
      t.metrics.componentHealth.set({ component: 'redis' }, i === 1 ? 0 : 100); // min: 0
      t.metrics.httpConcurrentRequests.set(i); // sum: 3
    });
    workers[0].metrics.systemHealthScore.set(80);
    workers[1].metrics.systemHealthScore.set(100); // worker 2 has not checked yet: 0; max: 100
    const merged = samples(
      await mergeClusterMetrics(
        await Promise.all(
          workers.map(async (t, i) => ({ worker: String(i), metrics: (await t.registry.getMetricsAsJSON()) as any }))
        )
      )
    );
    expect(merged.get(series('ai_agent_active_sessions', { agent_type: 'coding' }))).toBe(6);
    expect(merged.get(series('ai_memory_store_memories', { agent_type: 'coding' }))).toBe(102);
    expect([...merged].filter(([k]) => k.startsWith('ai_agent_context_size_bytes{')).map(([, v]) => v)).toEqual([2048]);
    expect(merged.get(series('ai_component_health', { component: 'redis' }))).toBe(0);
    expect(merged.get(series('ai_system_health_score'))).toBe(100);
    expect(merged.get(series('http_concurrent_requests'))).toBe(3);
    for (const [i, state] of [1, 2, 0].entries()) {
      expect(merged.get(series('circuit_breaker_state', { service_name: 'neo4j', worker: i }))).toBe(state);
    }
    expect(merged.get(series('circuit_breaker_state', { service_name: 'neo4j' }))).toBeUndefined();
    for (const [i, level] of [0, 4, 3].entries()) {
      expect(merged.get(series('service_degradation_level', { service_name: 'memory-api', worker: i }))).toBe(level);
    }
    for (const [i, ratio] of [0.9, 0.4, 0.7].entries()) {
      expect(merged.get(series('ai_memory_consolidation_ratio', { agent_type: 'coding', worker: i }))).toBe(ratio);
    }
  });

  it('answers OpenMetrics with counters named once and each bucket’s newest exemplar', async () => {
    const make = () => {
      const registry = new Registry<any>();
      registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
      return new MemoryTelemetry({ registry });
    };
    const [a, b] = [make(), make()];
    a.recordOperation('search', 'coding', 'success', 0.02);
    b.recordOperation('search', 'coding', 'success', 0.02);
    const labels = { operation: 'search', agent_type: 'coding' };
    a.metrics.memoryOperationDuration.observe({ labels, value: 0.02, exemplarLabels: { trace_id: 'older' } });
    await new Promise((r) => setTimeout(r, 5));
    b.metrics.memoryOperationDuration.observe({ labels, value: 0.021, exemplarLabels: { trace_id: 'newer' } });
    // An OpenMetrics registry that has been read renames its counters; the answer must not care.
    await a.registry.metrics();
    const text = await mergeClusterMetrics(
      [
        { worker: '0', metrics: await seriesOf(a.registry) },
        { worker: '1', metrics: await seriesOf(b.registry) },
      ],
      Registry.OPENMETRICS_CONTENT_TYPE
    );
    expect(text).toContain('ai_memory_operations_total{operation="search",agent_type="coding",status="success"} 2');
    expect(text).toContain('# TYPE ai_memory_operations counter');
    expect(text).not.toContain('_total_total');
    expect(text.match(/# EOF/g)).toHaveLength(1);
    expect(text).toMatch(
      /ai_memory_operation_duration_seconds_bucket\{le="0\.025",operation="search",agent_type="coding"\} 4 # \{trace_id="newer"\} 0\.021 /
    );
  });
});

/** A registry's series as a ClusterMetricsWorker sends them (through its own answer path). */
async function seriesOf(registry: Registry<any>) {
  const cluster = new FakeCluster();
  const handle = cluster.fork();
  new ClusterMetricsWorker(registry, { process: handle.process, isWorker: true, worker: 'x' }).start();
  const answer = new Promise<any>((resolve) => cluster.once('message', (_w, message) => resolve(message)));
  handle.send({ type: 'memstack-telemetry:metrics-request', id: 1 });
  return (await answer).metrics;
}

describe('ClusterMetricsPrimary and ClusterMetricsWorker', () => {
  it('answers every worker’s work merged, through any worker’s own endpoint', async () => {
    const cluster = new FakeCluster();
    const primary = new ClusterMetricsPrimary({ cluster, timeoutMs: 500 }).start();
    const workers = ['0', '1', '2'].map((label) => startWorker(cluster, label));
    workers.forEach(({ telemetry }, i) => {
      for (let n = 0; n <= i; n++) {
        telemetry.recordOperation('search', 'coding', 'success', 0.01);
      }
    });
    const answer = await workers[1].worker.metrics();
    expect(answer.contentType).toBe(Registry.PROMETHEUS_CONTENT_TYPE);
    expect(
      samples(answer.body).get(
        series('ai_memory_operations_total', { operation: 'search', agent_type: 'coding', status: 'success' })
      )
    ).toBe(6);
    expect(primary.status).toMatchObject({ workers: 3, answered: 3, stale: [], retired: 0 });
    primary.stop();
  });

  it('does not wait past its timeout for a hung worker, and serves its last counters, not its gauges', async () => {
    const cluster = new FakeCluster();
    const logs: string[] = [];
    const primary = new ClusterMetricsPrimary({ cluster, timeoutMs: 200, logger: (m) => logs.push(m) }).start();
    const workers = ['0', '1'].map((label) => startWorker(cluster, label));
    workers.forEach(({ telemetry }) => {
      telemetry.recordOperation('search', 'coding', 'success', 0.01);
      telemetry.setActiveSessions('coding', 2);
    });
    await primary.metrics();
    workers[1].telemetry.recordOperation('search', 'coding', 'success', 0.01); // after its last answer
    workers[1].handle.hung = true;
    const started = performance.now();
    const { body } = await primary.metrics();
    expect(performance.now() - started).toBeLessThan(1000);
    const merged = samples(body);
    expect(
      merged.get(series('ai_memory_operations_total', { operation: 'search', agent_type: 'coding', status: 'success' }))
    ).toBe(2);
    expect(merged.get(series('ai_agent_active_sessions', { agent_type: 'coding' }))).toBe(2);
    expect(primary.status).toMatchObject({ workers: 2, answered: 1, stale: ['1'] });
    await primary.metrics();
    expect(logs.filter((m) => m.includes('did not answer'))).toHaveLength(1);
    primary.stop();
  });

  it('keeps the counters of a worker that exited, so that the sums never go down', async () => {
    const cluster = new FakeCluster();
    const primary = new ClusterMetricsPrimary({ cluster, timeoutMs: 5000 }).start();
    const workers = ['0', '1'].map((label) => startWorker(cluster, label));
    workers.forEach(({ telemetry }) => telemetry.recordOperation('add', 'coding', 'success', 0.01));
    const key = series('ai_memory_operations_total', { operation: 'add', agent_type: 'coding', status: 'success' });
    const bucket = series('ai_memory_operation_duration_seconds_bucket', {
      operation: 'add',
      agent_type: 'coding',
      le: '0.01',
    });
    expect(samples((await primary.metrics()).body).get(key)).toBe(2);
    // Worker 1 dies while a collection waits for it: the collection does not wait for its timeout.
    workers[1].handle.hung = true;
    const collecting = primary.metrics();
    cluster.exit(workers[1].handle);
    const started = performance.now();
    expect(samples((await collecting).body).get(key)).toBe(2);
    expect(performance.now() - started).toBeLessThan(1000);
    // Its replacement starts from 0 under the same label.
    const replacement = startWorker(cluster, '1');
    replacement.telemetry.recordOperation('add', 'coding', 'success', 0.01);
    replacement.telemetry.setCircuitBreakerState('neo4j', 'closed');
    const merged = samples((await primary.metrics()).body);
    expect(merged.get(key)).toBe(3);
    expect(merged.get(bucket)).toBe(3);
    expect(merged.get(series('circuit_breaker_state', { service_name: 'neo4j', worker: 1 }))).toBe(0);
    expect(primary.status).toMatchObject({ workers: 2, answered: 2, retired: 1 });
    primary.stop();
  });

  it('shares one collection between concurrent scrapes', async () => {
    const cluster = new FakeCluster();
    const primary = new ClusterMetricsPrimary({ cluster }).start();
    const { handle } = startWorker(cluster, '0');
    const sent = jest.spyOn(handle, 'send');
    const [a, b] = await Promise.all([primary.metrics(), primary.metrics()]);
    expect(a).toBe(b);
    expect(sent).toHaveBeenCalledTimes(1);
    primary.stop();
  });

  it('ignores messages it does not know and answers that are not series, without throwing', async () => {
    const cluster = new FakeCluster();
    const logs: string[] = [];
    const primary = new ClusterMetricsPrimary({ cluster, timeoutMs: 200, logger: (m) => logs.push(m) }).start();
    const { handle, telemetry } = startWorker(cluster, '0');
    telemetry.recordOperation('search', 'coding', 'success', 0.01);
    const hostile: unknown[] = [
      null,
      'text',
      42,
      { type: 'memstack-telemetry:metrics-response' },
      { type: 'memstack-telemetry:metrics-response', id: 999, metrics: 'nope' },
      {
        type: 'memstack-telemetry:metrics-response',
        id: 998,
        metrics: [null, { name: 1 }, { name: 'x', type: 'counter', values: [null, { value: 'x' }] }],
      },
      { type: 'memstack-telemetry:aggregate-response', id: 1 },
    ];
    for (const message of hostile) {
      expect(() => cluster.emit('message', handle, message)).not.toThrow();
      expect(() => handle.process.emit('message', message)).not.toThrow();
    }
    const throwing = cluster.fork();
    throwing.send = () => {
      throw new Error('EPIPE');
    };
    const errored = cluster.fork();
    errored.send = (message: any) => {
      setImmediate(() =>
        cluster.emit('message', errored, { type: 'memstack-telemetry:metrics-response', id: message.id, error: 'boom' })
      );
      return true;
    };
    const started = performance.now();
    const merged = samples((await primary.metrics()).body);
    expect(performance.now() - started).toBeLessThan(150);
    expect(
      merged.get(series('ai_memory_operations_total', { operation: 'search', agent_type: 'coding', status: 'success' }))
    ).toBe(1);
    expect(logs.some((m) => m.includes('could not read its metrics: boom'))).toBe(true);
    primary.stop();
  });

  it('answers 503 from a worker whose primary does not answer, and 200 from the primary itself', async () => {
    const cluster = new FakeCluster();
    const { worker } = startWorker(cluster, '0');
    const lonely = new ClusterMetricsWorker(new Registry(), {
      process: cluster.fork().process,
      isWorker: true,
      timeoutMs: 100,
    }).start();
    await expect(lonely.metrics()).rejects.toThrow('the cluster primary did not answer within 100 ms');
    const primary = new ClusterMetricsPrimary({ cluster, timeoutMs: 200 }).start();
    for (const [handler, status] of [
      [
        new ClusterMetricsWorker(new Registry(), {
          process: { on: () => undefined, off: () => undefined, send: () => false },
          isWorker: true,
          timeoutMs: 50,
        })
          .start()
          .handler(),
        503,
      ],
      [primary.handler(), 200],
      [worker.handler(), 200],
    ] as const) {
      const server = http.createServer(handler);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
      expect(response.status).toBe(status);
      await response.text();
      await new Promise((resolve) => server.close(resolve));
    }
    primary.stop();
    lonely.stop();
  });

  it('serves its own process’s series outside a cluster', async () => {
    const telemetry = new MemoryTelemetry();
    telemetry.recordOperation('search', 'coding', 'success', 0.01);
    const worker = new ClusterMetricsWorker(telemetry, { isWorker: false }).start();
    const { body } = await worker.metrics();
    expect(body).toBe((await telemetry.exposition()).body);
  });

  it('merges the primary’s own registries as worker "primary"', async () => {
    const cluster = new FakeCluster();
    const own = new MemoryTelemetry();
    own.setCircuitBreakerState('supervisor', 'open');
    own.recordOperation('search', 'coding', 'success', 0.01);
    const primary = new ClusterMetricsPrimary({ cluster, registries: [own.registry] }).start();
    startWorker(cluster, '0').telemetry.recordOperation('search', 'coding', 'success', 0.01);
    const merged = samples((await primary.metrics()).body);
    expect(merged.get(series('circuit_breaker_state', { service_name: 'supervisor', worker: 'primary' }))).toBe(1);
    expect(
      merged.get(series('ai_memory_operations_total', { operation: 'search', agent_type: 'coding', status: 'success' }))
    ).toBe(2);
    primary.stop();
  });
});
