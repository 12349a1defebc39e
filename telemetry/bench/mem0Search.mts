/**
 * Benchmark: overhead of instrumentMem0, memory-quality signals included, on a real mem0ai
 * `search` and `add` (in-memory vector store, offline models), as a ratio to the bare call in
 * the same run. Spans are created, ended and
 * exported to an in-memory exporter; events go to a counting sink; so the figure is the SDK's
 * own cost, without network I/O.
 *   npm run bench:mem0
 */
process.env.MEM0_TELEMETRY = 'false';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { instrumentMem0 } from '../src/mem0.js';
import { MemoryTelemetry } from '../src/memoryTelemetry.js';
import { offlineMemoryConfig } from '../../demo/src/offlineModels.js';

const N = Number(process.argv[2] ?? 2000);
const ROUNDS = 5;
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();

const { Memory } = await import('mem0ai/oss');
const memory = new Memory(offlineMemoryConfig('bench'));
const facts = [
  'prefers TypeScript',
  'deploys on Fridays',
  'uses Grafana for dashboards',
  'keeps notes on retrieval',
  'likes strict mode',
];
for (let i = 0; i < 50; i++) {
  await memory.add(`${facts[i % facts.length]} number ${i}`, { userId: 'u1', infer: false });
}
let eventsSeen = 0;
const instrumented = instrumentMem0(memory, {
  telemetry: new MemoryTelemetry(),
  events: { log: () => void eventsSeen++ },
  agentType: 'coding',
});
const options = { filters: { user_id: 'u1' }, topK: 5 };
const ADDS = Math.max(1, Math.round(N / 10));
let added = 0;

type Target = Pick<typeof memory, 'search' | 'add'>;
type Call = (target: Target) => Promise<unknown>;

/**
 * µs per call of `call` on the bare and the instrumented memory, over `n` calls each, taken in
 * turn call by call (which goes first alternating): an add grows the store, so neither may run
 * on the larger one throughout.
 */
async function timeBoth(call: Call, n: number): Promise<{ bare: number; wrapped: number }> {
  let bare = 0n;
  let wrapped = 0n;
  const timed = async (target: Target) => {
    const t0 = process.hrtime.bigint();
    await call(target);
    return process.hrtime.bigint() - t0;
  };
  for (let i = 0; i < n; i++) {
    // Which goes first alternates too.
    if (i % 2 === 0) {
      bare += await timed(memory);
      wrapped += await timed(instrumented);
    } else {
      wrapped += await timed(instrumented);
      bare += await timed(memory);
    }
  }
  return { bare: Number(bare) / n / 1000, wrapped: Number(wrapped) / n / 1000 };
}

/** Both, in turn, ROUNDS times after a warm-up: the medians and their ratio. */
async function compare(name: string, call: Call, n: number, what: string): Promise<number> {
  await timeBoth(call, n);
  const bare: number[] = [];
  const wrapped: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const round = await timeBoth(call, n);
    bare.push(round.bare);
    wrapped.push(round.wrapped);
    exporter.reset();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const b = median(bare);
  const w = median(wrapped);
  console.log(`instrumentMem0 on mem0ai ${name}: ${what}, ${n} calls x ${ROUNDS} rounds (median)`);
  console.log(`  bare Memory.${name}:         ${b.toFixed(1)} µs/call`);
  console.log(
    `  instrumented Memory.${name}: ${w.toFixed(1)} µs/call (metrics, quality signals, span, event per call)`
  );
  console.log(`  ratio: ${(w / b).toFixed(3)}x, overhead ${(w - b).toFixed(1)} µs/call`);
  return w / b;
}

const search = await compare(
  'search',
  (target) => target.search('what do I prefer for dashboards', options),
  N,
  'over 50 memories'
);
// Each add stores a new fact with inference (the offline extraction model).
const add = await compare(
  'add',
  (target) => target.add(`${facts[added % facts.length]} number ${++added}`, { userId: 'u2' }),
  ADDS,
  'one new fact each, with inference'
);
console.log(
  `ratios: search ${search.toFixed(3)}x, add ${add.toFixed(3)}x (goal: each within 1.10x); ${eventsSeen} events`
);
await provider.shutdown();
