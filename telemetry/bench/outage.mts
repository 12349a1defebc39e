/**
 * Benchmark: what an Elasticsearch and Jaeger outage costs the host application.
 *  1. Host operation latency with both running, then with both stopped (goal: ratio <= 1.05).
 *  2. Memory over 60 s at 5,000 ops/s with both stopped: bounded, drops counted.
 * A host operation is a small piece of real work (hashing 2 KiB) wrapped the way a memory
 * service uses the SDK: trackOperation + a memory span + one AI event.
 * Needs the local stack (scripts/stack.sh up); stops and restarts elasticsearch and jaeger.
 *   npm run bench:outage
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AiEventLogger } from '../src/events.js';
import { MemoryTelemetry } from '../src/memoryTelemetry.js';
import { trackOperation } from '../src/trackOperation.js';
import { setupTracing, traceMemoryOperation } from '../src/tracing.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const stack = (...args: string[]) =>
  execFileSync('bash', [path.join(repo, 'scripts/stack.sh'), ...args], { stdio: 'ignore', timeout: 180_000 });
const PHASE_SECONDS = Number(process.env.BENCH_PHASE_SECONDS ?? 10);
const SOAK_SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 60);

const telemetry = new MemoryTelemetry();
const tracing = setupTracing({
  serviceName: 'outage-bench',
  otlpUrl: process.env.JAEGER_OTLP_HTTP_URL ?? 'http://127.0.0.1:4318',
});
const events = new AiEventLogger({
  node: process.env.ES_URL ?? 'http://127.0.0.1:9200',
  telemetry,
  indexPrefix: 'ai-events-bench',
  shards: 1,
  replicas: 0,
});
const payload = Buffer.alloc(2048, 7);

async function hostOperation(i: number): Promise<void> {
  await trackOperation(telemetry, 'search', 'coding', () =>
    traceMemoryOperation({ operation: 'search', agentId: 'coding:bench', userId: 'u-bench' }, async (_span, report) => {
      createHash('sha256').update(payload).update(String(i)).digest();
      report({ resultCount: 1 });
      events.log({ event_type: 'memory_operation', operation: 'search', agent_id: 'coding:u-bench', duration_ms: 1 });
    })
  );
}

/** Runs ops at a fixed rate for `seconds`; returns each op's latency in µs. */
async function run(rate: number, seconds: number, onTick?: (elapsed: number) => void): Promise<number[]> {
  const latencies: number[] = [];
  const total = rate * seconds;
  const started = performance.now();
  let i = 0;
  let nextTick = 5000;
  while (i < total) {
    const due = started + (i * 1000) / rate;
    const now = performance.now();
    if (due > now) {
      await new Promise((r) => setTimeout(r, Math.max(0, due - now)));
    }
    // A batch of the ops that are due, one after the other, as a busy host would run them.
    const batchEnd = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
    for (; i < batchEnd; i++) {
      const t0 = performance.now();
      await hostOperation(i);
      latencies.push((performance.now() - t0) * 1000);
    }
    if (onTick && performance.now() - started >= nextTick) {
      onTick((performance.now() - started) / 1000);
      nextTick += 5000;
    }
  }
  return latencies;
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const dropped = async () => (await telemetry.metrics.eventsDropped.get()).values.reduce((a, v) => a + v.value, 0);

await run(1000, 2); // warm-up
const up = await run(1000, PHASE_SECONDS);
console.log(`host operation latency at 1,000 ops/s for ${PHASE_SECONDS} s each`);
console.log(
  `  Elasticsearch and Jaeger running: p50 ${pct(up, 0.5).toFixed(1)} µs, p99 ${pct(up, 0.99).toFixed(1)} µs`
);
stack('down', 'elasticsearch', 'jaeger');
try {
  await run(1000, 2);
  const down = await run(1000, PHASE_SECONDS);
  console.log(
    `  both stopped:                     p50 ${pct(down, 0.5).toFixed(1)} µs, p99 ${pct(down, 0.99).toFixed(1)} µs`
  );
  console.log(
    `  ratio (p50 down / up): ${(pct(down, 0.5) / pct(up, 0.5)).toFixed(3)}x (goal <= 1.05x); p99 ${(pct(down, 0.99) / pct(up, 0.99)).toFixed(2)}x`
  );

  global.gc?.();
  const mb = () => process.memoryUsage();
  const start = mb();
  let peakHeap = start.heapUsed;
  const droppedBefore = await dropped();
  console.log(`memory over ${SOAK_SECONDS} s at 5,000 ops/s with both stopped`);
  await run(5000, SOAK_SECONDS, (elapsed) => {
    const m = mb();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    console.log(
      `  t=${elapsed.toFixed(0)} s heap ${(m.heapUsed / 1e6).toFixed(1)} MB rss ${(m.rss / 1e6).toFixed(1)} MB queued events ${events.pending}`
    );
  });
  global.gc?.();
  const end = mb();
  console.log(
    `  heap ${(start.heapUsed / 1e6).toFixed(1)} -> ${(end.heapUsed / 1e6).toFixed(1)} MB (peak ${(peakHeap / 1e6).toFixed(1)}), ` +
      `rss ${(start.rss / 1e6).toFixed(1)} -> ${(end.rss / 1e6).toFixed(1)} MB; ${(await dropped()) - droppedBefore} events dropped and counted, ` +
      `queue bounded at ${events.pending} (max 10,000)`
  );
} finally {
  stack('up', 'elasticsearch', 'jaeger');
  await Promise.race([
    Promise.allSettled([events.close(), tracing.shutdown()]),
    new Promise((r) => setTimeout(r, 5000)),
  ]);
}
process.exit(0);
