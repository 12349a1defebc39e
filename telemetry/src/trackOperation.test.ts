import { Registry } from 'prom-client';
import { MemoryTelemetry } from './memoryTelemetry.js';
import { trackedOperation, trackOperation, wrapOperation } from './trackOperation.js';

async function count(registry: Registry, status: string, operation = 'search'): Promise<number> {
  const metric = await registry.getSingleMetric('ai_memory_operations_total')!.get();
  return metric.values.find((v) => v.labels.status === status && v.labels.operation === operation)?.value ?? 0;
}

describe('trackOperation', () => {
  it('counts successes, observes latency and returns the value', async () => {
    const registry = new Registry();
    const telemetry = new MemoryTelemetry({ registry });
    await expect(trackOperation(telemetry, 'search', 'coding', async () => 42)).resolves.toBe(42);
    expect(await count(registry, 'success')).toBe(1);
    const histogram = await registry.getSingleMetric('ai_memory_operation_duration_seconds')!.get();
    expect(
      histogram.values.find(
        (v) => (v as { metricName?: string }).metricName === 'ai_memory_operation_duration_seconds_count'
      )?.value
    ).toBe(1);
  });

  it('re-throws the caller error untouched and counts it as error', async () => {
    const registry = new Registry();
    const telemetry = new MemoryTelemetry({ registry });
    class VectorStoreError extends Error {}
    const original = new VectorStoreError('down');
    await expect(trackOperation(telemetry, 'search', 'coding', () => Promise.reject(original))).rejects.toBe(original);
    expect(await count(registry, 'error')).toBe(1);
  });

  it('wraps functions and keeps `this`', async () => {
    const telemetry = new MemoryTelemetry();
    const store = {
      n: 3,
      get: wrapOperation(telemetry, 'get', 'chat', function (this: { n: number }, k: number) {
        return this.n * k;
      }),
    };
    await expect(store.get(2)).resolves.toBe(6);
  });

  it('never throws its own error, even with a broken registry', async () => {
    const telemetry = new MemoryTelemetry();
    (telemetry.metrics.memoryOperations as any).inc = () => {
      throw new Error('registry broken');
    };
    await expect(trackOperation(telemetry, 'add', 'chat', async () => 'ok')).resolves.toBe('ok');
  });
});

describe('trackedOperation (TC39 method decorator)', () => {
  it('tracks a decorated method with the telemetry of its instance', async () => {
    const registry = new Registry();
    class MemoryService {
      constructor(readonly telemetry: MemoryTelemetry) {}
      @trackedOperation((self: MemoryService) => self.telemetry, 'search', 'research')
      async search(query: string): Promise<string[]> {
        if (query === 'boom') {
          throw new Error('boom');
        }
        return [query];
      }
    }
    const service = new MemoryService(new MemoryTelemetry({ registry }));
    await expect(service.search('a')).resolves.toEqual(['a']);
    await expect(service.search('boom')).rejects.toThrow('boom');
    expect(await count(registry, 'success')).toBe(1);
    expect(await count(registry, 'error')).toBe(1);
  });

  it('runs the method untracked when the telemetry source throws', async () => {
    class Service {
      @trackedOperation(() => {
        throw new Error('no telemetry here');
      }, 'search', 'research')
      async search(q: string) {
        return `found ${q}`;
      }
    }
    await expect(new Service().search('x')).resolves.toBe('found x');
  });
});
