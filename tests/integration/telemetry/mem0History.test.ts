/**
 * A history per memory against the real mem0ai self-hosted Memory (offline models) and the real
 * Elasticsearch: the memory_change events instrumentMem0 logs through an AiEventLogger, read back
 * from Elasticsearch, say what mem0's own SQLite history table records — which memory, which
 * action, the old and new text (as the policy's keyed hashes and their lengths) — and each
 * carries the trace of the call that wrote it.
 */
import { Client } from '@elastic/elasticsearch';
import { Registry } from 'prom-client';
import { AiEventLogger } from '../../../telemetry/src/events';
import { instrumentMem0 } from '../../../telemetry/src/mem0';
import { MemoryTelemetry } from '../../../telemetry/src/memoryTelemetry';
import { resolvePrivacy } from '../../../telemetry/src/privacy';
import { setupTracing, type TracingHandle } from '../../../telemetry/src/tracing';
import { offlineMemoryConfig } from '../../../demo/src/offlineModels';
import { eventually, stackUrl } from '../env';

process.env.MEM0_TELEMETRY = 'false';

const INDEX_PREFIX = 'ai-events-mem0history';
const HASH_KEY = 'mem0-history-test';
const { hash } = resolvePrivacy({ hashKey: HASH_KEY });

let tracing: TracingHandle;
let es: Client;
let events: AiEventLogger;
let raw: any;
let memory: any;

beforeAll(async () => {
  tracing = setupTracing({
    serviceName: `mem0-history-${Date.now()}`,
    otlpUrl: stackUrl('JAEGER_OTLP_HTTP_URL'),
    simpleExport: true,
  });
  es = new Client({ node: stackUrl('ES_URL') });
  await es.indices.delete({ index: `${INDEX_PREFIX}-*`, ignore_unavailable: true });
  const telemetry = new MemoryTelemetry({ registry: new Registry() });
  // The default policy (memory ids and contents hashed), with a known key to compare against.
  events = new AiEventLogger({
    client: es,
    telemetry,
    indexPrefix: INDEX_PREFIX,
    shards: 1,
    replicas: 0,
    flushIntervalMs: 200,
    privacy: { hashKey: HASH_KEY },
  });
  const { Memory } = require('mem0ai/oss');
  raw = new Memory(offlineMemoryConfig('history'));
  memory = instrumentMem0(raw, { telemetry, events });
});

afterAll(async () => {
  await events.close();
  await es.indices.delete({ index: `${INDEX_PREFIX}-*`, ignore_unavailable: true });
  await es.close();
  await tracing.shutdown();
});

interface HistoryRow {
  id: number;
  memory_id: string;
  previous_value: string | null;
  new_value: string | null;
  action: string;
}

/** mem0's own history table, oldest first, read from its SQLite database. */
function mem0History(): HistoryRow[] {
  return raw.db.db.prepare('SELECT * FROM memory_history ORDER BY id').all();
}

async function indexed(eventType: string): Promise<any[]> {
  await es.indices.refresh({ index: `${INDEX_PREFIX}-*`, ignore_unavailable: true });
  const found = await es.search({
    index: `${INDEX_PREFIX}-*`,
    size: 100,
    sort: [{ '@timestamp': 'asc' }],
    query: { term: { event_type: eventType } },
  });
  return found.hits.hits.map((h) => h._source);
}

const bytes = (text: string | null) => (text === null ? undefined : Buffer.byteLength(text));
const hashOf = (text: string | null) => (text === null ? undefined : hash(text));

describe('memory_change events on the real mem0ai Memory and Elasticsearch', () => {
  const who = { userId: 'u-history', agentId: 'research:u-history' };

  it('record every add, update and delete as mem0 history does: ids, actions, old and new content', async () => {
    const added = await memory.add(
      [
        { role: 'user', content: 'I prefer TypeScript with strict mode' },
        { role: 'user', content: 'Deploys run on Kubernetes every Friday' },
      ],
      who
    );
    const [first, second] = added.results.map((r: { id: string }) => r.id);
    // A fact mem0 already holds changes nothing: no history row, no event.
    await memory.add([{ role: 'user', content: 'I prefer TypeScript with strict mode' }], who);
    await memory.update(first, 'I prefer TypeScript and Go');
    await memory.update(first, { text: 'I prefer Go' });
    await memory.delete(second);
    await expect(memory.update('00000000-0000-0000-0000-000000000000', 'nothing')).rejects.toThrow('not found');

    const history = mem0History();
    expect(history.map((row) => row.action)).toEqual(['ADD', 'ADD', 'UPDATE', 'UPDATE', 'DELETE']);
    const expected = history.map((row) => ({
      memory_id: hash(row.memory_id),
      memory_action: row.action.toLowerCase(),
      old_content_hash: hashOf(row.previous_value),
      old_content_length: bytes(row.previous_value),
      new_content_hash: hashOf(row.new_value),
      new_content_length: bytes(row.new_value),
    }));
    const changes = await eventually(async () => {
      const found = await indexed('memory_change');
      expect(found).toHaveLength(history.length);
      return found;
    });
    // Events of one call may be indexed in any order within their millisecond: compare as sets.
    const key = (e: Record<string, unknown>) => JSON.stringify(e);
    const actual = changes.map((e) => ({
      memory_id: e.memory_id,
      memory_action: e.memory_action,
      old_content_hash: e.old_content_hash,
      old_content_length: e.old_content_length,
      new_content_hash: e.new_content_hash,
      new_content_length: e.new_content_length,
    }));
    expect(actual.map(key).sort()).toEqual(expected.map(key).sort());
    // Nothing readable left the process: no raw id, no text.
    const text = JSON.stringify(changes);
    for (const row of history) {
      expect(text).not.toContain(row.memory_id);
      expect(text).not.toContain('TypeScript');
    }
    expect(changes.find((e) => e.memory_action === 'add')).toMatchObject({
      agent_type: 'research',
      operation: 'add',
      event_type: 'memory_change',
    });
  });

  it('carries the trace and span of the call that wrote it', async () => {
    const changes = await indexed('memory_change');
    const operations = await indexed('memory_operation');
    for (const change of changes) {
      expect(change.trace_id).toMatch(/^[0-9a-f]{32}$/);
      const call = operations.find((o) => o.trace_id === change.trace_id && o.span_id === change.span_id);
      expect(call?.operation).toBe(change.operation);
    }
    expect(new Set(changes.map((c) => c.trace_id)).size).toBe(4); // one add, two updates, one delete
  });

  it('maps the history fields as the index template says (keyword ids and hashes, integer lengths)', async () => {
    const mapping = await es.indices.getMapping({ index: `${INDEX_PREFIX}-*` });
    const properties = Object.values(mapping)[0].mappings.properties as Record<string, { type: string }>;
    expect(properties.memory_id.type).toBe('keyword');
    expect(properties.memory_action.type).toBe('keyword');
    expect(properties.old_content_hash.type).toBe('keyword');
    expect(properties.new_content_length.type).toBe('integer');
    // The content itself is mapped (as text) for hosts that opt in, and absent here.
    expect(properties.new_content.type).toBe('text');
  });
});
