/**
 * instrumentMem0 against the real mem0ai self-hosted Memory (offline models), exporting spans
 * to the real Jaeger and events to the real Elasticsearch.
 */
import { Client } from '@elastic/elasticsearch';
import { Registry } from 'prom-client';
import { AiEventLogger } from '../../../telemetry/src/events';
import { instrumentMem0, withMemoryCaller } from '../../../telemetry/src/mem0';
import { MemoryTelemetry } from '../../../telemetry/src/memoryTelemetry';
import { setupTracing, type TracingHandle } from '../../../telemetry/src/tracing';
import {
  GEN_AI_MEMORY_ATTRIBUTES,
  GEN_AI_MEMORY_OPERATION_NAMES,
  GEN_AI_MEMORY_SPAN_KIND,
  MEMORY_SPAN_OWN_ATTRIBUTES,
} from '../../../telemetry/src/signals/genaiMemoryConventions';
import { offlineMemoryConfig } from '../../../demo/src/offlineModels';
import { eventually, getJson, stackUrl } from '../env';

process.env.MEM0_TELEMETRY = 'false';

const service = `mem0-test-${Date.now()}`;
let tracing: TracingHandle;
let es: Client;
let events: AiEventLogger;
let telemetry: MemoryTelemetry;
let registry: Registry;
let memory: any;

beforeAll(async () => {
  tracing = setupTracing({ serviceName: service, otlpUrl: stackUrl('JAEGER_OTLP_HTTP_URL'), simpleExport: true });
  es = new Client({ node: stackUrl('ES_URL') });
  registry = new Registry();
  telemetry = new MemoryTelemetry({ registry });
  events = new AiEventLogger({
    client: es,
    telemetry,
    indexPrefix: 'ai-events-mem0test',
    shards: 1,
    replicas: 0,
    flushIntervalMs: 200,
    // This suite reads user ids and query text back, so it opts in to sending them raw.
    privacy: { userId: 'keep', queryText: 'keep' },
  });
  const { Memory } = require('mem0ai/oss');
  const raw = new Memory(offlineMemoryConfig('test'));
  memory = instrumentMem0(raw, {
    telemetry,
    events,
    storeId: 'test-store',
    privacy: { userId: 'keep', queryText: 'keep', memoryRecords: 'keep' },
  });
});

afterAll(async () => {
  await events.close();
  await es.indices.delete({ index: 'ai-events-mem0test-*', ignore_unavailable: true });
  await es.close();
  await tracing.shutdown();
});

/**
 * Tags Jaeger makes of a span's kind, status, scope and format (not attributes the SDK set):
 * https://www.jaegertracing.io/docs/latest/apis/#opentelemetry-to-jaeger-transformation
 */
const JAEGER_OWN_TAGS = new Set([
  'span.kind',
  'otel.status_code',
  'otel.status_description',
  'otel.scope.name',
  'otel.scope.version',
  'internal.span.format',
  'error',
]);

/** Tag keys of a span read back from Jaeger that neither the conventions, our own list nor Jaeger define. */
function unknownTags(span: { tags: Array<{ key: string }> }): string[] {
  const known = new Set([...Object.keys(GEN_AI_MEMORY_ATTRIBUTES), ...Object.keys(MEMORY_SPAN_OWN_ATTRIBUTES)]);
  return span.tags.map((t) => t.key).filter((key) => !known.has(key) && !JAEGER_OWN_TAGS.has(key));
}

async function metricText(): Promise<string> {
  return registry.metrics();
}

describe('instrumentMem0 on the real mem0ai Memory', () => {
  const who = { userId: 'u-ada', agentId: 'coding:u-ada' };
  let ids: string[] = [];

  it('add: returns mem0 results untouched and records count, latency and batch size', async () => {
    const added = await memory.add(
      [
        { role: 'user', content: 'I prefer TypeScript with strict mode' },
        { role: 'user', content: 'Deploys run on Kubernetes every Friday' },
      ],
      who
    );
    ids = added.results.map((r: { id: string }) => r.id);
    expect(added.results.map((r: { memory: string }) => r.memory)).toEqual([
      'I prefer TypeScript with strict mode',
      'Deploys run on Kubernetes every Friday',
    ]);
    const text = await metricText();
    expect(text).toContain('ai_memory_operations_total{operation="add",agent_type="coding",status="success"} 1');
    expect(text).toContain('ai_batch_operation_size_bucket{le="5",operation_type="add"} 1');
  });

  it('search: records relevance scores, the query pattern and the result count', async () => {
    const found = await memory.search('what TypeScript mode do I prefer', {
      filters: { user_id: 'u-ada', agent_id: 'coding:u-ada' },
    });
    expect(found.results[0].memory).toBe('I prefer TypeScript with strict mode');
    const text = await metricText();
    expect(text).toMatch(
      new RegExp(`ai_memory_relevance_score_count\\{agent_type="coding"\\} ${found.results.length}`)
    );
    expect(text).toContain('ai_query_patterns_total{pattern_type="exploration",agent_type="coding"} 1');
  });

  it('get, getAll, update, history, delete, deleteAll are all tracked', async () => {
    await withMemoryCaller({ ...who, agentType: 'coding' }, async () => {
      expect((await memory.get(ids[0])).id).toBe(ids[0]);
      expect((await memory.getAll({ filters: { user_id: 'u-ada' } })).results).toHaveLength(2);
      await memory.update(ids[0], 'I prefer TypeScript and Go');
      expect((await memory.history(ids[0])).length).toBeGreaterThanOrEqual(2);
      await memory.delete(ids[1]);
      await memory.deleteAll({ userId: 'u-ada' });
    });
    const text = await metricText();
    for (const op of ['get', 'getAll', 'update', 'history', 'delete', 'deleteAll']) {
      expect(text).toContain(`ai_memory_operations_total{operation="${op}",agent_type="coding",status="success"} 1`);
    }
  });

  it("re-throws mem0's own error untouched and counts it as an error", async () => {
    let thrown: unknown;
    try {
      await withMemoryCaller({ ...who, agentType: 'coding' }, () => memory.update('no-such-memory', 'x'));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toMatch(/not found/i);
    expect(await metricText()).toContain(
      'ai_memory_operations_total{operation="update",agent_type="coding",status="error"} 1'
    );
  });

  it('exported spans with the GenAI memory attributes to Jaeger', async () => {
    await tracing.forceFlush();
    const traces = await eventually(
      async () => {
        const body = await getJson(`${stackUrl('JAEGER_URL')}/api/traces?service=${service}&limit=50`);
        return body.data.length >= 9 ? body.data : undefined;
      },
      20_000,
      'mem0 spans in Jaeger'
    );
    const spans = traces.flatMap((t: any) => t.spans);
    const search = spans.find((s: any) => s.operationName === 'ai.memory.search');
    const tags = Object.fromEntries(search.tags.map((t: any) => [t.key, t.value]));
    expect(tags).toMatchObject({
      'gen_ai.operation.name': 'search_memory',
      'gen_ai.provider.name': 'mem0',
      'gen_ai.memory.store.id': 'test-store',
      'gen_ai.memory.query.text': 'what TypeScript mode do I prefer',
      'gen_ai.memory.record.count': 2,
      'ai.agent_id': 'coding:u-ada',
      'ai.user_id': 'u-ada',
      'ai.result_count': 2,
    });
    const records = JSON.parse(tags['gen_ai.memory.records']);
    expect(records.map((r: { content: string }) => r.content)).toContain('I prefer TypeScript with strict mode');
    // Every memory span, as Jaeger stored it, carries only the conventions' attributes and our own.
    const memorySpans = spans.filter((s: any) => s.operationName.startsWith('ai.memory.'));
    for (const span of memorySpans) {
      const kind = span.tags.find((t: any) => t.key === 'span.kind')?.value;
      const operation = span.tags.find((t: any) => t.key === 'gen_ai.operation.name')?.value;
      expect({ span: span.operationName, kind, unknown: unknownTags(span) }).toEqual({
        span: span.operationName,
        kind: GEN_AI_MEMORY_SPAN_KIND,
        unknown: [],
      });
      expect(GEN_AI_MEMORY_OPERATION_NAMES).toContain(operation);
    }
    const add = memorySpans.find((s: any) => s.operationName === 'ai.memory.add');
    expect(add.tags).toEqual(
      expect.arrayContaining([{ key: 'gen_ai.operation.name', type: 'string', value: 'upsert_memory' }])
    );
    const failed = spans.find(
      (s: any) =>
        s.operationName === 'ai.memory.update' &&
        s.tags.some((t: any) => t.key === 'otel.status_code' && t.value === 'ERROR')
    );
    expect(failed).toBeDefined();
    expect(failed.tags).toEqual(expect.arrayContaining([{ key: 'error.type', type: 'string', value: 'Error' }]));
    // (The Elasticsearch client traces its own requests too; only memory spans are compared.)
    expect(new Set(spans.map((s: any) => s.operationName).filter((n: string) => n.startsWith('ai.memory.')))).toEqual(
      new Set([
        'ai.memory.add',
        'ai.memory.search',
        'ai.memory.get',
        'ai.memory.getAll',
        'ai.memory.update',
        'ai.memory.history',
        'ai.memory.delete',
        'ai.memory.deleteAll',
      ])
    );
  });

  it('indexed one enriched event per call, and one per changed memory, into Elasticsearch, with the trace id', async () => {
    await events.flush();
    await es.indices.refresh({ index: 'ai-events-mem0test-*' });
    const result = await es.search({ index: 'ai-events-mem0test-*', size: 50, sort: [{ '@timestamp': 'asc' }] });
    const all = result.hits.hits.map((h) => h._source as Record<string, any>);
    const docs = all.filter((d) => d.event_type === 'memory_operation');
    expect(docs).toHaveLength(9);
    // Beside them, one memory_change per memory a write changed (mem0History.test.ts checks them).
    expect(all.filter((d) => d.event_type === 'memory_change').map((d) => d.memory_action)).toEqual([
      'add',
      'add',
      'update',
      'delete',
    ]);
    expect(all).toHaveLength(docs.length + 4);
    expect(docs.every((d) => /^[0-9a-f]{32}$/.test(d.trace_id))).toBe(true);
    const search = docs.find((d) => d.operation === 'search')!;
    expect(search).toMatchObject({
      agent_type: 'coding',
      user_id: 'u-ada',
      result_count: 2,
      query_patterns: ['exploration'],
      event_type: 'memory_operation',
    });
    expect(['excellent', 'good', 'acceptable', 'poor']).toContain(search.performance_class);
    const error = docs.find((d) => d.level === 'ERROR')!;
    expect(error).toMatchObject({ operation: 'update', error_type: 'MemoryError', requires_attention: true });
  });
});
