import { MemoryTelemetry } from './memoryTelemetry.js';
import { StoreSizeSampler, type StoreCount } from './storeSize.js';

/** ai_memory_store_memories by agent_type, as exposed. */
async function storeGauge(telemetry: MemoryTelemetry): Promise<Record<string, number>> {
  const metric = await telemetry.metrics.storeMemories.get();
  return Object.fromEntries(metric.values.map((v) => [String(v.labels.agent_type), v.value]));
}

describe('MemoryTelemetry.setStoreMemories', () => {
  it('sets one value per agent type and drops a type that is gone to 0', async () => {
    const telemetry = new MemoryTelemetry();
    expect(telemetry.setStoreMemories({ coding: 3, research: 2 })).toBe(true);
    expect(telemetry.setStoreMemories({ coding: 5 })).toBe(true);
    expect(await storeGauge(telemetry)).toEqual({ coding: 5, research: 0 });
  });

  it('sums the agent types beyond the label cap into __other__', async () => {
    const telemetry = new MemoryTelemetry({ labelCap: 2 });
    telemetry.setStoreMemories({ a: 1, b: 2, c: 3, d: 4 });
    expect(await storeGauge(telemetry)).toEqual({ a: 1, b: 2, __other__: 7 });
    expect((await telemetry.exposition()).body).toContain(
      'ai_telemetry_label_values_folded_total{metric="all",label="agent_type"} 2'
    );
  });

  it('refuses a sample with an invalid count whole, keeping the last one, without throwing', async () => {
    const logs: string[] = [];
    const telemetry = new MemoryTelemetry({ logger: (m) => logs.push(m) });
    telemetry.setStoreMemories({ coding: 3 });
    expect(telemetry.setStoreMemories({ coding: 9, research: Number.NaN })).toBe(false);
    expect(telemetry.setStoreMemories({ coding: -1 })).toBe(false);
    expect(await storeGauge(telemetry)).toEqual({ coding: 3 });
    expect(logs).toEqual(['telemetry: could not record a metric: invalid memory count NaN']);
  });
});

/** A count the test answers by hand; `calls` counts how often the sampler asked. */
function manualCount() {
  const pending: Array<{
    resolve: (v: Record<string, number>) => void;
    reject: (e: Error) => void;
    signal: AbortSignal;
  }> = [];
  const count: StoreCount = (signal) =>
    new Promise((resolve, reject) => {
      pending.push({ resolve, reject, signal });
    });
  return { count, pending };
}

describe('StoreSizeSampler', () => {
  afterEach(() => jest.useRealTimers());

  it('records a count, and counts again only after the interval', async () => {
    const telemetry = new MemoryTelemetry();
    let calls = 0;
    const sampler = new StoreSizeSampler({
      telemetry,
      intervalMs: 15_000,
      count: async () => ({ coding: ++calls }),
    });
    expect(await sampler.sample(0)).toBe(true);
    expect(await sampler.sample(1000)).toBe(false);
    expect(await sampler.sample(14_000)).toBe(false);
    expect(calls).toBe(1);
    expect(await sampler.sample(15_000)).toBe(true);
    expect(calls).toBe(2);
    expect(await storeGauge(telemetry)).toEqual({ coding: 2 });
    expect(sampler.status.lastSampleAt).toEqual(expect.any(Number));
    expect(sampler.status.lastError).toBeUndefined();
  });

  it('never runs two counts at once, however late the first is', async () => {
    const { count, pending } = manualCount();
    const sampler = new StoreSizeSampler({ telemetry: new MemoryTelemetry(), intervalMs: 1000, count });
    const first = sampler.sample(0);
    expect(await sampler.sample(5000)).toBe(false);
    expect(pending).toHaveLength(1);
    pending[0].resolve({ coding: 1 });
    expect(await first).toBe(true);
    const second = sampler.sample(6000);
    await Promise.resolve();
    expect(pending).toHaveLength(2);
    pending[1].resolve({ coding: 2 });
    expect(await second).toBe(true);
  });

  it('gives a count up at the timeout: aborts it, keeps the last values, reports once', async () => {
    jest.useFakeTimers();
    const logs: string[] = [];
    const telemetry = new MemoryTelemetry({ logger: (m) => logs.push(m) });
    telemetry.setStoreMemories({ coding: 4 });
    const { count, pending } = manualCount();
    const sampler = new StoreSizeSampler({ telemetry, intervalMs: 10_000, timeoutMs: 2000, count });
    const sampled = sampler.sample(0);
    await Promise.resolve();
    await Promise.resolve();
    jest.advanceTimersByTime(1999);
    expect(pending[0].signal.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(await sampled).toBe(false);
    expect(pending[0].signal.aborted).toBe(true);
    expect(sampler.status.lastError).toBe('no count within 2000 ms');
    expect(await storeGauge(telemetry)).toEqual({ coding: 4 });
    // The abandoned count still holds the slot until it settles: no second query piles up.
    expect(await sampler.sample(20_000)).toBe(false);
    pending[0].resolve({ coding: 99 });
    await Promise.resolve();
    expect(await storeGauge(telemetry)).toEqual({ coding: 4 });
    expect(logs).toEqual([
      'telemetry: could not count the memories in the store (no count within 2000 ms); ai_memory_store_memories keeps its last values',
    ]);
  });

  it('keeps a failing count quiet: no throw into the host, last values kept, status says why', async () => {
    const logs: string[] = [];
    const telemetry = new MemoryTelemetry({ logger: (m) => logs.push(m) });
    let fail = false;
    const sampler = new StoreSizeSampler({
      telemetry,
      intervalMs: 1000,
      count: () => {
        if (fail) {
          throw new Error('connection refused');
        }
        return Promise.resolve({ coding: 2 });
      },
    });
    expect(await sampler.sample(0)).toBe(true);
    fail = true;
    await expect(sampler.sample(1000)).resolves.toBe(false);
    await expect(sampler.sample(2000)).resolves.toBe(false);
    expect(sampler.status.lastError).toBe('connection refused');
    expect(await storeGauge(telemetry)).toEqual({ coding: 2 });
    expect(logs).toHaveLength(1);
    fail = false;
    expect(await sampler.sample(3000)).toBe(true);
    expect(sampler.status.lastError).toBeUndefined();
  });

  it('refuses an answer that is not counts per agent type', async () => {
    const telemetry = new MemoryTelemetry();
    const sampler = new StoreSizeSampler({
      telemetry,
      count: async () => null as unknown as Record<string, number>,
    });
    expect(await sampler.sample(0)).toBe(false);
    expect(sampler.status.lastError).toBe('the count answered no valid counts per agent type');
  });

  it('counts on start and then every interval in the background', async () => {
    jest.useFakeTimers();
    let calls = 0;
    const sampler = new StoreSizeSampler({
      telemetry: new MemoryTelemetry(),
      intervalMs: 15_000,
      count: async () => ({ coding: ++calls }),
    }).start();
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toBe(1);
    await jest.advanceTimersByTimeAsync(14_000);
    expect(calls).toBe(1);
    await jest.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(2);
    sampler.stop();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(2);
  });
});
