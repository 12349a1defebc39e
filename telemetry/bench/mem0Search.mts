/**
 * Benchmark: overhead of instrumentMem0 on a real mem0ai `search` (in-memory vector store,
 * offline models), as a ratio to the bare call in the same run. Spans are created, ended and
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

async function time(target: { search: typeof memory.search }): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    await target.search('what do I prefer for dashboards', options);
  }
  return Number(process.hrtime.bigint() - started) / N / 1000;
}

await time(memory);
await time(instrumented);
const bare: number[] = [];
const wrapped: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  bare.push(await time(memory));
  wrapped.push(await time(instrumented));
  exporter.reset();
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const b = median(bare);
const w = median(wrapped);
console.log(`instrumentMem0 on mem0ai search over 50 memories, ${N} calls x ${ROUNDS} rounds (median)`);
console.log(`  bare Memory.search:         ${b.toFixed(1)} µs/call`);
console.log(
  `  instrumented Memory.search: ${w.toFixed(1)} µs/call (metrics, span, event per call; ${eventsSeen} events)`
);
console.log(`  ratio: ${(w / b).toFixed(3)}x, overhead ${(w - b).toFixed(1)} µs/call`);
await provider.shutdown();
