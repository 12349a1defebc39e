/**
 * Benchmark: one `trackOperation` around an async no-op, against bare prom-client `inc()` +
 * `observe()` (the baseline) in the same run. Goal: ratio <= 1.3.
 *   npm run bench:sdk
 */
import { Counter, Histogram, Registry } from 'prom-client';
import { CATALOG } from '../src/catalog.js';
import { MemoryTelemetry } from '../src/memoryTelemetry.js';
import { trackOperation } from '../src/trackOperation.js';

const N = Number(process.argv[2] ?? 200_000);
const ROUNDS = 5;

const baselineRegistry = new Registry();
const counter = new Counter({
  name: 'b_ops_total',
  help: 'b',
  labelNames: ['operation', 'agent_type', 'status'],
  registers: [baselineRegistry],
});
const histogram = new Histogram({
  name: 'b_op_seconds',
  help: 'b',
  labelNames: ['operation', 'agent_type'],
  buckets: [...CATALOG.memoryOperationDuration.buckets],
  registers: [baselineRegistry],
});
const noop = async () => undefined;

/** What a hand-instrumented call does: time it, then count and observe. */
async function bare(): Promise<void> {
  const started = performance.now();
  await noop();
  const seconds = (performance.now() - started) / 1000;
  counter.inc({ operation: 'search', agent_type: 'coding', status: 'success' });
  histogram.observe({ operation: 'search', agent_type: 'coding' }, seconds);
}

const telemetry = new MemoryTelemetry();
const tracked = () => trackOperation(telemetry, 'search', 'coding', noop);

async function time(fn: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    await fn();
  }
  return Number(process.hrtime.bigint() - started) / N;
}

// Warm-up, then interleaved rounds; the median of each side is compared.
await time(bare);
await time(tracked);
const bareNs: number[] = [];
const trackedNs: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  bareNs.push(await time(bare));
  trackedNs.push(await time(tracked));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const b = median(bareNs);
const t = median(trackedNs);
console.log(`trackOperation around an async no-op, ${N} ops x ${ROUNDS} rounds (median)`);
console.log(`  bare prom-client inc()+observe(): ${b.toFixed(0)} ns/op`);
console.log(`  trackOperation:                   ${t.toFixed(0)} ns/op`);
console.log(`  ratio: ${(t / b).toFixed(2)}x (goal <= 1.3x)`);
