import CircuitBreaker from 'opossum';
import type { Gauge } from 'prom-client';
import { CancelledError, SourceError } from './sourceError';
import type { SourceSettings } from '../settings';
import { DEFAULTS } from '../../../contract';

/** A FIFO semaphore: at most `limit` calls run at once, the rest wait their turn (or their cancellation). */
export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {}

  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.running < this.limit) {
      this.running++;
    } else {
      await this.turn(signal); // the finishing caller hands its slot over
    }
    return this.release(fn);
  }

  private turn(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new CancelledError());
        return;
      }
      const onAbort = () => {
        const index = this.waiting.indexOf(go);
        if (index >= 0) {
          this.waiting.splice(index, 1);
        }
        reject(new CancelledError());
      };
      const go = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(go);
    });
  }

  private async release<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) {
        next(); // the slot passes to the next caller
      } else {
        this.running--;
      }
    }
  }

  get active(): number {
    return this.running;
  }
}

interface Guard {
  breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;
  limit: ConcurrencyLimit;
}

const MAX_GUARDS = 1000;

/**
 * One circuit breaker and one concurrency limit per data source instance and upstream: one
 * instance's broken Prometheus never pauses another's, and one viewer's burst cannot hold every
 * socket to a source. A breaker opens on repeated upstream faults only (transport failures,
 * timeouts, 5xx; see SourceError.upstreamFault), never on the user's own bad query or a
 * cancellation; it is tried again after a few seconds. States go to
 * `circuit_breaker_state{service_name}` (closed 0, open 1, half-open 2) on CollectMetrics.
 */
export class SourceBreakers {
  private readonly guards = new Map<string, Guard>();

  constructor(
    private readonly state?: () => Gauge<string>,
    private readonly resetTimeoutMs = 3000,
    private readonly concurrency: number = DEFAULTS.maxConcurrentCallsPerSource
  ) {}

  private guard(source: string, settings: SourceSettings): Guard {
    const name = `${source.toLowerCase()} ${new URL(settings.url).host}${settings.instanceKey ? ` (${settings.instanceKey})` : ''}`;
    let guard = this.guards.get(name);
    if (guard) {
      return guard;
    }
    if (this.guards.size >= MAX_GUARDS) {
      // Instances come from Grafana's configuration; this bound only matters if they churn.
      const [oldestName, oldest] = this.guards.entries().next().value as [string, Guard];
      oldest.breaker.shutdown();
      this.state?.().remove({ service_name: oldestName });
      this.guards.delete(oldestName);
    }
    const breaker = new CircuitBreaker((fn: () => Promise<unknown>) => fn(), {
      name,
      timeout: false, // each source has its own request timeout
      errorThresholdPercentage: 50,
      volumeThreshold: 5,
      rollingCountTimeout: 10_000,
      resetTimeout: this.resetTimeoutMs,
      // True means "not a failure": only upstream faults count.
      errorFilter: (error: unknown) => !(error instanceof SourceError && error.upstreamFault),
    });
    const set = (value: number) => this.state?.().set({ service_name: name }, value);
    breaker.on('open', () => set(1));
    breaker.on('halfOpen', () => set(2));
    breaker.on('close', () => set(0));
    set(0);
    guard = { breaker, limit: new ConcurrencyLimit(this.concurrency) };
    this.guards.set(name, guard);
    return guard;
  }

  async call<T>(source: string, settings: SourceSettings, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const { breaker, limit } = this.guard(source, settings);
    return limit.run(async () => {
      try {
        return (await breaker.fire(fn)) as T;
      } catch (error) {
        if (error instanceof SourceError || error instanceof CancelledError) {
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
    }, signal);
  }

  shutdown(): void {
    this.guards.forEach((g) => g.breaker.shutdown());
  }
}
