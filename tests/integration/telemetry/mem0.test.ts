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
    privacy: { userId: 'keep', queryText: 'keep' },
  });
});

afterAll(async () => {
  await events.close();
  await es.indices.delete({ index: 'ai-events-mem0test-*', ignore_unavailable: true });
  await es.close();
  await tracing.shutdown();
});

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
      'gen_ai.memory.store.id': 'test-store',
      'gen_ai.memory.query.text': 'what TypeScript mode do I prefer',
      'ai.agent_id': 'coding:u-ada',
      'ai.user_id': 'u-ada',
      'ai.result_count': 2,
    });
    const failed = spans.find(
      (s: any) =>
        s.operationName === 'ai.memory.update' &&
        s.tags.some((t: any) => t.key === 'otel.status_code' && t.value === 'ERROR')
    );
    expect(failed).toBeDefined();
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

  it('indexed one enriched event per call into Elasticsearch, with the trace id', async () => {
    await events.flush();
    await es.indices.refresh({ index: 'ai-events-mem0test-*' });
    const result = await es.search({ index: 'ai-events-mem0test-*', size: 50, sort: [{ '@timestamp': 'asc' }] });
    const docs = result.hits.hits.map((h) => h._source as Record<string, any>);
    expect(docs).toHaveLength(9);
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
