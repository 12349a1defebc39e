/**
 * The memory-quality signals of instrumentMem0 against the real mem0ai self-hosted Memory
 * (offline models, mem0's own SQLite history table): what the counters say each write did is what
 * mem0's history records, and searches report their results, best match and memory ages.
 */
import { Registry } from 'prom-client';
import { instrumentMem0 } from '../../../telemetry/src/mem0';
import { MemoryTelemetry } from '../../../telemetry/src/memoryTelemetry';
import { offlineMemoryConfig } from '../../../demo/src/offlineModels';

process.env.MEM0_TELEMETRY = 'false';

let registry: Registry;
let memory: any;
const who = { userId: 'u-quality', agentId: 'research:u-quality' };
const FACTS = [
  { role: 'user', content: 'I prefer TypeScript with strict mode' },
  { role: 'user', content: 'Deploys run on Kubernetes every Friday' },
];

beforeAll(() => {
  registry = new Registry();
  const telemetry = new MemoryTelemetry({ registry });
  const { Memory } = require('mem0ai/oss');
  memory = instrumentMem0(new Memory(offlineMemoryConfig('quality')), { telemetry });
});

/** One sample of the registry, by metric name and exact labels; 0 when absent. */
async function sample(name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name.replace(/_(bucket|sum|count)$/, ''));
  const values = (metric?.values ?? []) as Array<{
    metricName?: string;
    labels: Record<string, unknown>;
    value: number;
  }>;
  const found = values.find(
    (v) =>
      (v.metricName ?? metric?.name) === name &&
      Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want) &&
      Object.keys(v.labels).length === Object.keys(labels).length
  );
  return found?.value ?? 0;
}

/** Every action in mem0's history table for these memories. */
async function historyActions(ids: string[]): Promise<string[]> {
  const rows = (await Promise.all(ids.map((id) => memory.history(id)))).flat();
  return rows.map((row: { action: string }) => row.action).sort();
}

describe('memory quality signals on the real mem0ai Memory', () => {
  let ids: string[] = [];

  it('counts the memories an add stored, as mem0 history records them', async () => {
    ids = (await memory.add(FACTS, who)).results.map((r: { id: string }) => r.id);
    expect(ids).toHaveLength(2);
    expect(await historyActions(ids)).toEqual(['ADD', 'ADD']);
    const outcome = { operation: 'add', agent_type: 'research', decision: 'add' };
    expect(await sample('ai_memory_write_outcomes_total', outcome)).toBe(2);
    expect(await sample('ai_memory_add_memories_sum', { agent_type: 'research' })).toBe(2);
  });

  it('an add of facts mem0 already holds stores nothing: an empty add, no new history', async () => {
    const again = await memory.add(FACTS, who);
    expect(again.results).toEqual([]);
    expect((await memory.getAll({ filters: { user_id: who.userId } })).results).toHaveLength(2);
    expect(await historyActions(ids)).toEqual(['ADD', 'ADD']);
    expect(await sample('ai_memory_add_memories_bucket', { le: '0', agent_type: 'research' })).toBe(1);
    expect(await sample('ai_memory_add_memories_count', { agent_type: 'research' })).toBe(2);
    expect(
      await sample('ai_memory_write_outcomes_total', { operation: 'add', agent_type: 'research', decision: 'add' })
    ).toBe(2);
  });

  it('a search reports its result count, its best similarity and the age of each memory', async () => {
    const found = await memory.search('what TypeScript mode do I prefer', {
      filters: { user_id: who.userId, agent_id: who.agentId },
      topK: 5,
    });
    const results = found.results as Array<{ score: number; createdAt: string }>;
    expect(results.length).toBeGreaterThan(0);
    const labels = { agent_type: 'research' };
    expect(await sample('ai_memory_search_results_sum', labels)).toBe(results.length);
    expect(await sample('ai_memory_search_top_similarity_sum', labels)).toBeCloseTo(
      Math.min(1, Math.max(...results.map((r) => r.score))),
      6
    );
    expect(await sample('ai_memory_recall_age_seconds_count', labels)).toBe(results.length);
    // Stored seconds ago: every age is under the first bucket (a minute).
    expect(await sample('ai_memory_recall_age_seconds_bucket', { le: '60', ...labels })).toBe(results.length);
  });

  it('a search that finds nothing is an empty search (no agent named: agent type "unknown")', async () => {
    const none = await memory.search('zzqx vprt', { filters: { user_id: 'u-nobody' } });
    expect(none.results).toEqual([]);
    expect(await sample('ai_memory_search_results_bucket', { le: '0', agent_type: 'unknown' })).toBe(1);
  });

  it('updates and deletes count as mem0 history records them', async () => {
    await memory.update(ids[0], 'I prefer TypeScript and Go');
    await memory.delete(ids[1]);
    expect(await historyActions(ids)).toEqual(['ADD', 'ADD', 'DELETE', 'UPDATE']);
    // update and delete name no agent: the agent type is "unknown" without a caller.
    expect(
      await sample('ai_memory_write_outcomes_total', { operation: 'update', agent_type: 'unknown', decision: 'update' })
    ).toBe(1);
    expect(
      await sample('ai_memory_write_outcomes_total', { operation: 'delete', agent_type: 'unknown', decision: 'delete' })
    ).toBe(1);
  });

  it('read every answer: nothing counted as unreadable', async () => {
    for (const operation of ['add', 'search']) {
      for (const what of ['result', 'score', 'date']) {
        expect(await sample('ai_telemetry_unreadable_results_total', { operation, what })).toBe(0);
      }
    }
  });
});
