/**
 * Memory spans follow the recorded OpenTelemetry GenAI memory conventions
 * (signals/genaiMemoryConventions.ts): every attribute name on a memory span is either the
 * conventions' or one of our documented own, every `gen_ai.operation.name` is a well-known
 * memory value, the span kind is CLIENT, and the opt-in attributes appear only on opt-in.
 * A stand-in mem0 answers as mem0ai 3.x does; the real one is in tests/integration/telemetry/mem0.test.ts.
 */
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { memorySpanName } from './catalog.js';
import { instrumentMem0, MEM0_METHODS } from './mem0.js';
import { MemoryTelemetry } from './memoryTelemetry.js';
import type { PrivacyOptions } from './privacy.js';
import {
  GEN_AI_DEPRECATED_ATTRIBUTES,
  GEN_AI_MEMORY_ATTRIBUTES,
  GEN_AI_MEMORY_OPERATION_NAMES,
  GEN_AI_MEMORY_OPT_IN_ATTRIBUTES,
  MEMORY_SPAN_OWN_ATTRIBUTES,
} from './signals/genaiMemoryConventions.js';
import { setupTracing, traceMemoryOperation, type TracingHandle } from './tracing.js';

const KNOWN = new Set<string>([...Object.keys(GEN_AI_MEMORY_ATTRIBUTES), ...Object.keys(MEMORY_SPAN_OWN_ATTRIBUTES)]);

/** The attribute names of a span that neither the conventions nor our own list define. */
function unknownAttributes(span: ReadableSpan): string[] {
  return Object.keys(span.attributes).filter((name) => !KNOWN.has(name));
}

/** What each mem0 method is called in the conventions (the mapping this change decided). */
const EXPECTED_OPERATION: Record<(typeof MEM0_METHODS)[number], string> = {
  add: 'upsert_memory',
  search: 'search_memory',
  get: 'search_memory',
  getAll: 'search_memory',
  history: 'search_memory',
  update: 'update_memory',
  delete: 'delete_memory',
  deleteAll: 'delete_memory',
};

const who = { user_id: 'alice', agent_id: 'coding:alice' };
const found = [
  { id: 'm1', memory: 'likes tea', score: 0.9, metadata: { user_id: 'alice' } },
  { id: 'm2', memory: 'works in Lisbon', score: 0.7 },
];

/** mem0ai 3.x's `Memory`, answering as it does; `update` of "missing" fails as mem0 does. */
function fakeMem0() {
  return {
    async add(_messages: unknown, _options: unknown) {
      return { results: [{ id: 'm3', memory: 'drinks green tea', metadata: { event: 'ADD' } }] };
    },
    async search(_query: string, _options: unknown) {
      return { results: found };
    },
    async get(id: string) {
      return id === 'm1' ? found[0] : null;
    },
    async getAll(_options: unknown) {
      return { results: found };
    },
    async update(id: string, _text: unknown) {
      if (id === 'missing') {
        throw new TypeError('Memory with ID missing not found');
      }
      return { message: 'Memory updated successfully!' };
    },
    async delete(_id: string) {
      return { message: 'Memory deleted successfully!' };
    },
    async deleteAll(_options: unknown) {
      return { message: 'Memories deleted successfully!' };
    },
    async history(_id: string) {
      return [{ id: 'h1', memory_id: 'm1', event: 'ADD' }];
    },
  };
}

/** One call of each mem0 method, as a host makes it. */
const CALLS: Record<(typeof MEM0_METHODS)[number], (m: ReturnType<typeof fakeMem0>) => Promise<unknown>> = {
  add: (m) => m.add([{ role: 'user', content: 'I drink green tea' }], { userId: 'alice', agentId: 'coding:alice' }),
  search: (m) => m.search('what does alice drink', { filters: who }),
  get: (m) => m.get('m1'),
  getAll: (m) => m.getAll({ filters: who }),
  history: (m) => m.history('m1'),
  update: (m) => m.update('m1', 'drinks black tea'),
  delete: (m) => m.delete('m2'),
  deleteAll: (m) => m.deleteAll({ userId: 'alice' }),
};

let tracing: TracingHandle;
const exporter = new InMemorySpanExporter();

beforeAll(() => {
  tracing = setupTracing({ serviceName: 'genai-memory-test', simpleExport: true, exporter });
});

afterAll(async () => {
  await tracing.shutdown();
  trace.disable();
});

beforeEach(() => exporter.reset());

/** Runs one method through instrumentMem0 and returns its memory span. */
async function spanOf(method: (typeof MEM0_METHODS)[number], privacy?: PrivacyOptions): Promise<ReadableSpan> {
  const memory = instrumentMem0(fakeMem0(), { telemetry: new MemoryTelemetry(), storeId: 'prefs', privacy });
  await CALLS[method](memory);
  await tracing.forceFlush();
  const spans = exporter.getFinishedSpans().filter((s) => s.name === memorySpanName(method));
  expect(spans).toHaveLength(1);
  return spans[0];
}

describe('memory spans follow the GenAI memory conventions', () => {
  it('keeps our own attributes out of the gen_ai namespace', () => {
    expect(Object.keys(MEMORY_SPAN_OWN_ATTRIBUTES).filter((name) => name.startsWith('gen_ai.'))).toEqual([]);
    expect(GEN_AI_MEMORY_OPT_IN_ATTRIBUTES).toEqual(['gen_ai.memory.query.text', 'gen_ai.memory.records']);
  });

  it.each(MEM0_METHODS)(
    '%s: CLIENT span with only known attributes and a well-known operation name',
    async (method) => {
      const span = await spanOf(method);
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(unknownAttributes(span)).toEqual([]);
      expect(GEN_AI_MEMORY_OPERATION_NAMES).toContain(span.attributes['gen_ai.operation.name']);
      expect(span.attributes['gen_ai.operation.name']).toBe(EXPECTED_OPERATION[method]);
      expect(span.attributes).toMatchObject({ 'gen_ai.provider.name': 'mem0', 'gen_ai.memory.store.id': 'prefs' });
      for (const deprecated of Object.keys(GEN_AI_DEPRECATED_ATTRIBUTES)) {
        expect(span.attributes).not.toHaveProperty(deprecated);
      }
      for (const optIn of GEN_AI_MEMORY_OPT_IN_ATTRIBUTES) {
        expect(span.attributes).not.toHaveProperty(optIn);
      }
    }
  );

  it.each([
    ['search', 2, undefined],
    ['getAll', 2, undefined],
    ['get', 1, 'm1'],
    ['history', undefined, 'm1'],
    ['add', 1, undefined],
    ['update', 1, 'm1'],
    ['delete', 1, 'm2'],
    ['deleteAll', undefined, undefined],
  ] as const)(
    '%s: record count %s (returned by reads, attempted by writes), record id %s',
    async (method, count, id) => {
      const span = await spanOf(method, { memoryId: 'keep' });
      expect(span.attributes['gen_ai.memory.record.count']).toBe(count);
      expect(span.attributes['gen_ai.memory.record.id']).toBe(id);
      // By default the id is a keyed hash (privacy.memoryId), never the id itself.
      exporter.reset();
      const hashed = (await spanOf(method)).attributes['gen_ai.memory.record.id'];
      expect(hashed).toEqual(id === undefined ? undefined : expect.stringMatching(/^h:[0-9a-f]{32}$/));
    }
  );

  it('records query text and memory records only when the host opts in', async () => {
    const privacy: PrivacyOptions = { queryText: 'keep', memoryRecords: 'keep' };
    const search = await spanOf('search', privacy);
    expect(unknownAttributes(search)).toEqual([]);
    expect(search.attributes['gen_ai.memory.query.text']).toBe('what does alice drink');
    // The conventions' record: id, content, score; mem0's metadata (user ids) stays out.
    expect(JSON.parse(String(search.attributes['gen_ai.memory.records']))).toEqual([
      { id: 'm1', content: 'likes tea', score: 0.9 },
      { id: 'm2', content: 'works in Lisbon', score: 0.7 },
    ]);
    const add = await spanOf('add', privacy);
    expect(JSON.parse(String(add.attributes['gen_ai.memory.records']))).toEqual([
      { id: 'm3', content: 'drinks green tea' },
    ]);
    const update = await spanOf('update', privacy);
    expect(JSON.parse(String(update.attributes['gen_ai.memory.records']))).toEqual([
      { id: 'm1', content: 'drinks black tea' },
    ]);
    const get = await spanOf('get', privacy);
    expect(JSON.parse(String(get.attributes['gen_ai.memory.records']))).toEqual([
      { id: 'm1', content: 'likes tea', score: 0.9 },
    ]);
  });

  it('a failed call carries error.type and still only known attributes', async () => {
    const memory = instrumentMem0(fakeMem0(), { telemetry: new MemoryTelemetry() });
    await expect(memory.update('missing', 'x')).rejects.toThrow('not found');
    await tracing.forceFlush();
    const [span] = exporter.getFinishedSpans();
    expect(span.attributes['error.type']).toBe('TypeError');
    expect(unknownAttributes(span)).toEqual([]);
  });

  it('an answer the span cannot read still leaves the call its metrics', async () => {
    const telemetry = new MemoryTelemetry();
    // A memory whose text throws when read: only the opted-in records read it.
    const hostile = new Proxy(
      { id: 'm1' },
      {
        get(target, property) {
          if (property === 'memory') {
            throw new Error('hostile result');
          }
          return Reflect.get(target, property);
        },
      }
    );
    const memory = instrumentMem0(
      { get: async (_id: string) => hostile },
      { telemetry, privacy: { memoryRecords: 'keep' } }
    );
    await expect(memory.get('m1')).resolves.toBe(hostile);
    expect((await telemetry.exposition()).body).toContain(
      'ai_memory_operations_total{operation="get",agent_type="unknown",status="success"} 1'
    );
    await tracing.forceFlush();
    const [span] = exporter.getFinishedSpans();
    expect(span.attributes).not.toHaveProperty('gen_ai.memory.records');
    expect(unknownAttributes(span)).toEqual([]);
  });

  it('traceMemoryOperation makes the same CLIENT span for a host’s own memory calls', async () => {
    await traceMemoryOperation({ operation: 'upsert', storeId: 'notes', provider: 'my-store' }, (_span, report) =>
      report({ resultCount: 3, recordCount: 3, cacheHit: false })
    );
    await tracing.forceFlush();
    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe(memorySpanName('upsert'));
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(unknownAttributes(span)).toEqual([]);
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'upsert_memory',
      'gen_ai.provider.name': 'my-store',
      'gen_ai.memory.record.count': 3,
    });
  });

  it('the check fails on a gen_ai attribute the conventions do not define', async () => {
    // The host's redaction hook is a real way for any attribute to reach the span.
    const span = await spanOf('search', {
      redactSpanAttributes: (attributes) => ({ ...attributes, 'gen_ai.system': 'mem0', 'gen_ai.memory.kind': 'x' }),
    });
    expect(unknownAttributes(span)).toEqual(['gen_ai.system', 'gen_ai.memory.kind']);
  });
});
