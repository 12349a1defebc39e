import { applyFaultRequest, EMPTY_NAMESPACE_USER, noFaults, STALE_RECALL_AGE_MS, withMemoryFaults } from './faults.js';
import type { Mem0Like } from './memoryService.js';
import { HashedEmbeddings } from './offlineModels.js';

describe('applyFaultRequest', () => {
  it('sets each fault from its field', () => {
    const faults = noFaults({});
    applyFaultRequest(faults, {
      service: 'neo4j',
      latencyMs: 3000,
      errorRate: 0.5,
      httpErrorRate: 1,
      cacheMissStorm: true,
      contextRunaway: true,
      pgConnectionFlood: 40,
    });
    expect(faults).toMatchObject({
      latency: { neo4j: 3000 },
      errorRate: 0.5,
      httpErrorRate: 1,
      cacheMissStorm: true,
      contextRunaway: '*',
      pgConnectionFlood: 40,
    });
  });

  it('clears every fault on reset, keeping the latency object the breakers hold', () => {
    const latency = { redis: 200 };
    const faults = noFaults(latency);
    applyFaultRequest(faults, { criticalErrors: true, duplicateFlood: true });
    applyFaultRequest(faults, { reset: true });
    expect(faults).toEqual(noFaults({}));
    expect(faults.latency).toBe(latency);
  });

  it.each([
    [{ errorRate: 2 }, 'errorRate: expected a number from 0 to 1'],
    [{ httpErrorRate: 'x' }, 'httpErrorRate: expected a number from 0 to 1'],
    [{ cacheMissStorm: 'yes' }, 'cacheMissStorm: expected true or false'],
    [{ staleRecall: 1 }, 'staleRecall: expected true or false'],
    [{ contextRunaway: 3 }, 'contextRunaway: expected an agent id'],
    [{ pgConnectionFlood: 501 }, 'pgConnectionFlood: expected a whole number of connections from 0 to 500'],
  ])('refuses %j naming the field', (body, message) => {
    expect(() => applyFaultRequest(noFaults({}), body)).toThrow(message);
  });
});

describe('the memory quality faults', () => {
  it('switches each on and off from its field', () => {
    const faults = noFaults({});
    const names = ['churnStorm', 'repeatedFacts', 'searchMisses', 'embedderDrift', 'staleRecall'] as const;
    applyFaultRequest(faults, Object.fromEntries(names.map((n) => [n, true])));
    names.forEach((n) => expect(faults[n]).toBe(true));
    applyFaultRequest(faults, { reset: true });
    names.forEach((n) => expect(faults[n]).toBe(false));
  });

  const store = () => {
    const calls: unknown[][] = [];
    const memory = {
      search: async (...args: unknown[]) => {
        calls.push(args);
        return { results: [{ id: 'm1', score: 0.9, createdAt: new Date().toISOString(), updatedAt: null }] };
      },
    } as unknown as Mem0Like;
    return { calls, memory };
  };

  it('searchMisses sends searches to the empty namespace, keeping the other options', async () => {
    const { calls, memory } = store();
    const faults = noFaults({});
    faults.searchMisses = true;
    await withMemoryFaults(memory, faults).search('q', { filters: { user_id: 'u-1', agent_id: 'a' }, topK: 5 });
    expect(calls[0]).toEqual(['q', { filters: { user_id: EMPTY_NAMESPACE_USER, agent_id: 'a' }, topK: 5 }]);
  });

  it('staleRecall moves the dates of every recalled memory two months back', async () => {
    const { memory } = store();
    const faults = noFaults({});
    faults.staleRecall = true;
    const answer = (await withMemoryFaults(memory, faults).search('q', {})) as { results: any[] };
    const age = Date.now() - new Date(answer.results[0].updatedAt).getTime();
    expect(age).toBeGreaterThanOrEqual(STALE_RECALL_AGE_MS);
    expect(age).toBeLessThan(STALE_RECALL_AGE_MS + 60_000);
    expect(answer.results[0]).toMatchObject({ id: 'm1', score: 0.9, createdAt: answer.results[0].updatedAt });
  });

  it('embedderDrift embeds as an unrelated model: stored memories match only by chance', () => {
    let drifted = false;
    const embeddings = new HashedEmbeddings(() => drifted);
    const cosine = (a: number[], b: number[]) => a.reduce((sum, v, i) => sum + v * b[i], 0);
    const fact = 'u-1 prefers dark mode in every editor';
    const query = 'which editor mode does u-1 prefer';
    const stored = embeddings.embed(fact);
    const before = cosine(stored, embeddings.embed(query));
    drifted = true;
    const after = cosine(stored, embeddings.embed(query));
    expect(before).toBeGreaterThan(0.3);
    expect(Math.abs(after)).toBeLessThan(0.2);
    expect(embeddings.embed(fact)).toEqual(embeddings.embed(fact));
  });
});
