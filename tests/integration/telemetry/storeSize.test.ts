/**
 * Store size against the real mem0ai self-hosted Memory as the demo runs it (offline models,
 * mem0's in-process SQLite vector store): the demo's one-query count per agent type agrees with
 * what mem0 itself lists, after adds, an update and a delete, and the sampler puts it on the gauge.
 */
import { Registry } from 'prom-client';
import { MemoryTelemetry } from '../../../telemetry/src/memoryTelemetry';
import { StoreSizeSampler } from '../../../telemetry/src/storeSize';
import { offlineMemoryConfig } from '../../../demo/src/offlineModels';
import { demoAgentType, mem0StoreCount } from '../../../demo/src/storeSize';

process.env.MEM0_TELEMETRY = 'false';

const AGENTS = ['coding:u-store-1', 'coding:u-store-2', 'research:u-store-1'];

let memory: any;

beforeAll(async () => {
  const { Memory } = require('mem0ai/oss');
  memory = new Memory(offlineMemoryConfig('store_size'));
  for (const [i, agentId] of AGENTS.entries()) {
    const userId = agentId.split(':')[1];
    // Distinct facts per agent: mem0 3.x skips a fact whose hash it already holds.
    const facts = Array.from({ length: i + 2 }, (_, n) => ({
      role: 'user',
      content: `${agentId} fact number ${n} about deploys`,
    }));
    await memory.add(facts, { userId, agentId });
  }
});

/** What mem0 lists per agent id (its public API), grouped by the demo's agent type. */
async function listedByMem0(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const agentId of AGENTS) {
    const { results } = await memory.getAll({ filters: { agent_id: agentId }, topK: 1000 });
    counts[demoAgentType(agentId)] = (counts[demoAgentType(agentId)] ?? 0) + results.length;
  }
  return counts;
}

describe('memories in the store per agent type, on the real mem0ai Memory', () => {
  const count = () => mem0StoreCount(memory)(new AbortController().signal);

  it('counts what mem0 stored, per agent type, with one query', async () => {
    expect(await listedByMem0()).toEqual({ coding: 5, research: 4 });
    expect(await count()).toEqual(await listedByMem0());
  });

  it('follows an update (no change) and a delete (one less)', async () => {
    const { results } = await memory.getAll({ filters: { agent_id: 'research:u-store-1' }, topK: 10 });
    await memory.update(results[0].id, 'research fact rewritten');
    expect(await count()).toEqual({ coding: 5, research: 4 });
    await memory.delete(results[1].id);
    expect(await count()).toEqual({ coding: 5, research: 3 });
    expect(await count()).toEqual(await listedByMem0());
  });

  it('is what the sampler exposes as ai_memory_store_memories', async () => {
    const registry = new Registry();
    const telemetry = new MemoryTelemetry({ registry });
    const sampler = new StoreSizeSampler({ telemetry, count: mem0StoreCount(memory), intervalMs: 15_000 });
    expect(await sampler.sample()).toBe(true);
    const text = await registry.metrics();
    const expected = await listedByMem0();
    for (const [agentType, n] of Object.entries(expected)) {
      expect(text).toContain(`ai_memory_store_memories{agent_type="${agentType}"} ${n}`);
    }
  });
});
