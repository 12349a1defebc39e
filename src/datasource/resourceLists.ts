import { LRUCache } from 'lru-cache';

/**
 * The lists an editor's completion reads from the data source's resources, cached per editor
 * with a bound: one request per path, parameters and (minute-rounded) range while cached; a
 * failed list answers a fallback so the editor keeps working, is reported while it fails, and is
 * asked again after a few seconds (not on every keystroke). Pure apart from `fetch`.
 */
export interface ResourceSource {
  /** A resource of the data source; rejects with a message naming the failing source. */
  fetch(path: string, params: Record<string, string>): Promise<unknown>;
  /** The range the editor's panel shows, epoch ms. */
  range(): { from: number; to: number };
  /** Told of each failure (the editor shows it) and of each success after one (it clears it). */
  onError(message: string | undefined): void;
}

/** Lists kept per editor, and for how long: long enough for a burst of typing, short enough to see new series. */
export const COMPLETION_CACHE = { maxEntries: 200, ttlMs: 60_000, rangeRoundingMs: 60_000, retryMs: 5_000 } as const;

export class ResourceLists {
  private readonly cache: LRUCache<string, Promise<unknown>>;
  /** Lists that failed, with their message; each is asked again after COMPLETION_CACHE.retryMs. */
  private readonly failed: LRUCache<string, string>;

  /** `now` is the caches' clock (milliseconds), a parameter for tests. */
  constructor(
    private readonly source: ResourceSource,
    now: () => number = () => performance.now()
  ) {
    // Read the clock on every lookup (the default reuses one reading for a millisecond).
    const clock = { ttlResolution: 0, perf: { now } };
    this.cache = new LRUCache({ max: COMPLETION_CACHE.maxEntries, ttl: COMPLETION_CACHE.ttlMs, ...clock });
    this.failed = new LRUCache({ max: COMPLETION_CACHE.maxEntries, ttl: COMPLETION_CACHE.retryMs, ...clock });
  }

  /** A resource's answer, or `fallback` when it failed (the failure reported). */
  async get(path: string, params: Record<string, string>, fallback: unknown): Promise<unknown> {
    const { from, to } = this.source.range();
    const round = (ms: number) =>
      String(Math.floor(ms / COMPLETION_CACHE.rangeRoundingMs) * COMPLETION_CACHE.rangeRoundingMs);
    const all = { ...params, from: round(from), to: round(to) };
    const key = `${path}?${new URLSearchParams(all)}`;
    if (this.failed.has(key)) {
      return fallback;
    }
    let pending = this.cache.get(key);
    if (!pending) {
      pending = this.source.fetch(path, all);
      this.cache.set(key, pending);
    }
    try {
      const value = await pending;
      this.failed.delete(key);
      return value;
    } catch (error) {
      // Only this request's entry: a newer one for the same key may be pending.
      if (this.cache.peek(key) === pending) {
        this.cache.delete(key);
      }
      this.failed.set(key, error instanceof Error ? error.message : String(error));
      return fallback;
    } finally {
      this.report();
    }
  }

  /** The error shown under the field: a list that is failing now, else none. */
  private report() {
    const failing = this.failed.values().next();
    this.source.onError(failing.done ? undefined : failing.value);
  }

  /** A list of strings (anything else in the answer dropped). */
  async strings(path: string, params: Record<string, string>): Promise<string[]> {
    const values = await this.get(path, params, []);
    return Array.isArray(values) ? values.filter((v): v is string => typeof v === 'string') : [];
  }

  clear() {
    this.cache.clear();
    this.failed.clear();
  }
}
