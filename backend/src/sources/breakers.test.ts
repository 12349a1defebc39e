import { ConcurrencyLimit, SourceBreakers } from './breakers';
import { CancelledError, SourceError } from './sourceError';
import type { SourceSettings } from '../settings';

const source = (instanceKey: string): SourceSettings => ({
  url: 'http://prometheus:9090',
  timeoutMs: 1000,
  maxResponseBytes: 1024,
  headers: {},
  instanceKey,
});

const fail = (error: Error) => () => Promise.reject(error);

async function failTimes(breakers: SourceBreakers, settings: SourceSettings, error: Error, times: number) {
  for (let i = 0; i < times; i++) {
    await breakers.call('Prometheus', settings, fail(error)).catch(() => undefined);
  }
}

describe('SourceBreakers', () => {
  let breakers: SourceBreakers;
  beforeEach(() => (breakers = new SourceBreakers(undefined, 60_000)));
  afterEach(() => breakers.shutdown());

  it('opens after repeated upstream faults, for that data source instance only', async () => {
    await failTimes(breakers, source('a'), new SourceError('Prometheus', 'unreachable', 'down'), 6);
    await expect(breakers.call('Prometheus', source('a'), async () => 1)).rejects.toThrow(/circuit open/);
    await expect(breakers.call('Prometheus', source('b'), async () => 2)).resolves.toBe(2);
  });

  it('never opens on the user’s own bad queries, oversized answers or cancellations', async () => {
    await failTimes(breakers, source('a'), new SourceError('Prometheus', 'bad_query', 'parse error', 400), 10);
    await failTimes(breakers, source('a'), new SourceError('Prometheus', 'too_large', 'too big', 200), 10);
    await failTimes(breakers, source('a'), new CancelledError(), 10);
    await expect(breakers.call('Prometheus', source('a'), async () => 'still closed')).resolves.toBe('still closed');
  });

  it('counts 5xx answers as upstream faults', async () => {
    await failTimes(breakers, source('a'), new SourceError('Prometheus', 'http', 'HTTP 503', 503), 6);
    await expect(breakers.call('Prometheus', source('a'), async () => 1)).rejects.toThrow(/circuit open/);
  });
});

describe('ConcurrencyLimit', () => {
  it('runs at most its limit at once and hands slots over in order', async () => {
    const limit = new ConcurrencyLimit(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) =>
        limit.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 10));
          order.push(i);
          running--;
        })
      )
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(limit.active).toBe(0);
  });

  it('lets a waiting call be cancelled without taking a slot', async () => {
    const limit = new ConcurrencyLimit(1);
    let release!: () => void;
    const first = limit.run(() => new Promise<void>((r) => (release = r)));
    const controller = new AbortController();
    const waiting = limit.run(async () => 'never', controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
    release();
    await first;
    await expect(limit.run(async () => 'next')).resolves.toBe('next');
    expect(limit.active).toBe(0);
  });
});
