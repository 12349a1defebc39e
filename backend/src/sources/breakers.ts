import CircuitBreaker from 'opossum';
import type { Gauge } from 'prom-client';
import { CancelledError, SourceError } from './sourceError';
import type { SourceSettings } from '../settings';
import { DEFAULTS, SOURCE_LABELS, type SourceId } from '../../../contract';

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

/**
 * Who waits for a slot. Alert evaluations have their own queue: viewers' queries, however slow
 * and many, never stand between an alert rule and its source.
 */
export type Lane = 'viewer' | 'alert';

/**
 * Who Grafana's alert scheduler is to a data source plugin: the service identity of
 * SchedulerUserFor, an org Admin with this login, as PluginContext.User.
 * Grafana: ALERT-QUERY-CONTEXT (docs/grafana-behaviour.md)
 */
export const ALERT_SCHEDULER = { login: 'grafana_scheduler', role: 'Admin' } as const;

/**
 * The lane of a QueryData request. The `FromAlert` header alone does not earn the alert lane:
 * Grafana copies `FromAlert` and the `X-Rule-*` headers of any /api/ds/query call into the
 * request, so a viewer's browser can send them. Only the scheduler's identity comes with them: a
 * viewer may rename themselves `grafana_scheduler`, but cannot give themselves the Admin role (an
 * org Admin could, and can already edit the data source and its alert rules).
 * Grafana: ALERT-LANE-TRUST (docs/grafana-behaviour.md)
 */
export function laneOf(
  headers: Record<string, string> | undefined,
  user: { login?: string; role?: string } | undefined
): Lane {
  const fromScheduler = user?.login === ALERT_SCHEDULER.login && user?.role === ALERT_SCHEDULER.role;
  return headers?.FromAlert === 'true' && fromScheduler ? 'alert' : 'viewer';
}

interface Guard {
  breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;
  lanes: Record<Lane, ConcurrencyLimit>;
  /** The metric's labels: the source and the opaque instance key, never a host. */
  labels: { source: SourceId; instance_id: string };
}

const MAX_GUARDS = 1000;

const guardName = (source: SourceId, settings: SourceSettings) => `${source} ${settings.instanceKey}`;

const idle = (guard: Guard) => guard.lanes.viewer.active === 0 && guard.lanes.alert.active === 0;

/**
 * One circuit breaker and two concurrency limits (viewers, alert evaluations) per source of each
 * data source instance, keyed by SourceSettings.instanceKey: organisation, uid, URL and
 * credentials. One instance's broken Prometheus never pauses another's, two organisations with
 * the same uid share nothing, and one viewer's burst can hold neither every socket to a source
 * nor the alert rules' turn. A breaker opens on repeated upstream faults only (transport
 * failures, 5xx; see SourceError.upstreamFault), never on a timeout of a query the caller shaped,
 * the user's own bad query or a cancellation; it is tried again after a few seconds. States go to
 * the plugin's own breaker gauge (closed 0, open 1, half-open 2) on CollectMetrics.
 */
export class SourceBreakers {
  private readonly guards = new Map<string, Guard>();

  constructor(
    private readonly state?: () => Gauge<string>,
    private readonly resetTimeoutMs = 3000,
    private readonly concurrency: number = DEFAULTS.maxConcurrentCallsPerSource
  ) {}

  private guard(source: SourceId, settings: SourceSettings): Guard {
    const name = guardName(source, settings);
    let guard = this.guards.get(name);
    if (guard) {
      return guard;
    }
    this.evictIfFull();
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
    const labels = { source, instance_id: settings.instanceKey };
    const set = (value: number) => this.state?.().set(labels, value);
    breaker.on('open', () => set(1));
    breaker.on('halfOpen', () => set(2));
    breaker.on('close', () => set(0));
    set(0);
    guard = {
      breaker,
      labels,
      lanes: { viewer: new ConcurrencyLimit(this.concurrency), alert: new ConcurrencyLimit(this.concurrency) },
    };
    this.guards.set(name, guard);
    return guard;
  }

  /**
   * Instances come from Grafana's configuration; this bound only matters if they churn (every
   * saved URL or password is a new key). The oldest guard with nothing running goes: one with
   * calls in flight keeps counting them.
   */
  private evictIfFull(): void {
    if (this.guards.size < MAX_GUARDS) {
      return;
    }
    for (const [name, guard] of this.guards) {
      if (idle(guard)) {
        guard.breaker.shutdown();
        this.state?.().remove(guard.labels);
        this.guards.delete(name);
        return;
      }
    }
  }

  async call<T>(
    source: SourceId,
    settings: SourceSettings,
    fn: () => Promise<T>,
    signal?: AbortSignal,
    lane: Lane = 'viewer'
  ): Promise<T> {
    const { breaker, lanes } = this.guard(source, settings);
    return lanes[lane].run(async () => {
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
            `${SOURCE_LABELS[source]} failed repeatedly and is paused for a few seconds (circuit open); it is retried automatically`
          );
        }
        throw error;
      }
    }, signal);
  }

  /** How many calls of a lane run now for a source of an instance (for tests and diagnostics). */
  active(source: SourceId, settings: SourceSettings, lane: Lane): number {
    return this.guards.get(guardName(source, settings))?.lanes[lane].active ?? 0;
  }

  shutdown(): void {
    this.guards.forEach((g) => g.breaker.shutdown());
  }
}
