import CircuitBreaker from 'opossum';
import type { Gauge } from 'prom-client';
import { SourceError } from './sourceError';

/**
 * One circuit breaker per upstream (source name and URL): after repeated failures the source
 * fails fast with a clear error instead of making every query wait for its timeout; it is tried
 * again after a few seconds. States go to `circuit_breaker_state{service_name}` (closed 0,
 * open 1, half-open 2), which the backend returns on CollectMetrics.
 */
export class SourceBreakers {
  private readonly breakers = new Map<string, CircuitBreaker<[() => Promise<unknown>], unknown>>();

  constructor(
    private readonly state?: Gauge<string>,
    private readonly resetTimeoutMs = 3000
  ) {}

  private breaker(source: string, url: string) {
    const key = `${source.toLowerCase()} ${new URL(url).host}`;
    let breaker = this.breakers.get(key);
    if (!breaker) {
      breaker = new CircuitBreaker((fn: () => Promise<unknown>) => fn(), {
        name: key,
        timeout: false, // each source has its own request timeout
        errorThresholdPercentage: 50,
        volumeThreshold: 5,
        rollingCountTimeout: 10_000,
        resetTimeout: this.resetTimeoutMs,
        // A query the user got wrong says nothing about the upstream's health.
        errorFilter: (error: unknown) => error instanceof SourceError && !error.downstream,
      });
      const set = (value: number) => this.state?.set({ service_name: key }, value);
      breaker.on('open', () => set(1));
      breaker.on('halfOpen', () => set(2));
      breaker.on('close', () => set(0));
      set(0);
      this.breakers.set(key, breaker);
    }
    return breaker;
  }

  async call<T>(source: string, url: string, fn: () => Promise<T>): Promise<T> {
    const breaker = this.breaker(source, url);
    try {
      return (await breaker.fire(fn)) as T;
    } catch (error) {
      if (error instanceof SourceError) {
        throw error;
      }
      if (breaker.opened) {
        throw new SourceError(
          source,
          'unreachable',
          `${source} failed repeatedly and is paused for a few seconds (circuit open); it is retried automatically`
        );
      }
      throw error;
    }
  }

  shutdown(): void {
    this.breakers.forEach((b) => b.shutdown());
  }
}
