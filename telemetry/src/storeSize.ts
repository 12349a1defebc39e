import { CATALOG } from './catalog.js';
import type { MemoryTelemetry } from './memoryTelemetry.js';
import { errorMessage } from './safeText.js';
import { runEvery } from './periodic.js';

/**
 * Counts the memories in the store per agent type. It must honour `signal`: at the sampler's
 * timeout the signal aborts, and the count should then cancel its query.
 */
export type StoreCount = (signal: AbortSignal) => Promise<Readonly<Record<string, number>>>;

export interface StoreSizeSamplerOptions {
  telemetry: MemoryTelemetry;
  count: StoreCount;
  /** Least time between the starts of two counts; default 60 s, at least 1 s. */
  intervalMs?: number;
  /** How long one count may take before its sample is given up; default 5 s, at most the interval. */
  timeoutMs?: number;
}

/** What the sampler last did: the last good sample, and the last failure since it (if any). */
export interface StoreSizeStatus {
  /** Epoch ms of the last count recorded in ai_memory_store_memories; the gauge holds its values. */
  lastSampleAt?: number;
  /** Why the counts since then were not recorded (error, timeout, invalid answer); absent after a good one. */
  lastError?: string;
}

const MIN_INTERVAL_MS = 1000;
/** A timer may fire a little before a full interval has passed on another clock; such a tick still counts. */
const TIMER_SLACK_MS = 25;

/**
 * Samples `ai_memory_store_memories` in the background, so that a scrape never waits on the
 * store: at most one count at a time (one the timeout gave up on still blocks the next, so a
 * slow database gets no pile of queries), none sooner than the interval after the last start.
 * A failed or late count keeps the last good values; it is reported once through the
 * telemetry's logger and kept in `status`. Never throws into the host.
 */
export class StoreSizeSampler {
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private stopTimer: (() => void) | undefined;
  private lastStart = Number.NEGATIVE_INFINITY;
  private inFlight = false;
  readonly status: StoreSizeStatus = {};

  constructor(private readonly options: StoreSizeSamplerOptions) {
    const interval = options.intervalMs ?? 60_000;
    this.intervalMs = Number.isFinite(interval) ? Math.max(MIN_INTERVAL_MS, interval) : 60_000;
    const timeout = options.timeoutMs ?? 5000;
    this.timeoutMs = Number.isFinite(timeout) && timeout > 0 ? Math.min(timeout, this.intervalMs) : 5000;
  }

  /**
   * Counts now unless a count is still running or the last one started less than the interval
   * ago (`now` on a monotonic clock, ms); resolves whether a sample was recorded. Never rejects.
   */
  async sample(now = performance.now()): Promise<boolean> {
    if (this.inFlight || now - this.lastStart < this.intervalMs - TIMER_SLACK_MS) {
      return false;
    }
    this.inFlight = true;
    this.lastStart = now;
    const controller = new AbortController();
    // then(): a count that throws synchronously is a failed count, not a thrown sampler.
    const counting = Promise.resolve().then(() => this.options.count(controller.signal));
    void counting.then(
      () => (this.inFlight = false),
      () => (this.inFlight = false)
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.timeoutMs);
      timer.unref?.();
    });
    try {
      const counts = await Promise.race([counting, late]);
      if (counts === 'late') {
        controller.abort();
        return this.failed(`no count within ${this.timeoutMs} ms`);
      }
      if (typeof counts !== 'object' || counts === null || !this.options.telemetry.setStoreMemories(counts)) {
        return this.failed('the count answered no valid counts per agent type');
      }
      this.status.lastSampleAt = Date.now();
      delete this.status.lastError;
      return true;
    } catch (error) {
      return this.failed(errorMessage(error));
    } finally {
      clearTimeout(timer);
    }
  }

  /** Counts now and then every interval, in the background. */
  start(): this {
    this.stop();
    this.stopTimer = runEvery(this.intervalMs, () => this.sample());
    return this;
  }

  stop(): void {
    this.stopTimer?.();
    this.stopTimer = undefined;
  }

  private failed(reason: string): false {
    this.status.lastError = reason;
    this.options.telemetry.reportOnce(
      'store-size',
      `telemetry: could not count the memories in the store (${reason}); ${CATALOG.storeMemories.name} keeps its last values`
    );
    return false;
  }
}
