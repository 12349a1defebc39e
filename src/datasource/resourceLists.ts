import { LRUCache } from 'lru-cache';

/**
 * The lists an editor's completion reads from the data source's resources, cached per editor
 * with a bound: one request per path, parameters and (minute-rounded) range while cached; a
 * failure is reported, not cached, and answers a fallback so the editor keeps working. Pure
 * apart from `fetch`.
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
export const COMPLETION_CACHE = { maxEntries: 200, ttlMs: 60_000, rangeRoundingMs: 60_000 } as const;

export class ResourceLists {
  private readonly cache: LRUCache<string, Promise<unknown>>;

  /** `now` is the cache's clock (milliseconds), a parameter for tests. */
  constructor(
    private readonly source: ResourceSource,
    now: () => number = () => performance.now()
  ) {
    this.cache = new LRUCache({
      max: COMPLETION_CACHE.maxEntries,
      ttl: COMPLETION_CACHE.ttlMs,
      // Read the clock on every lookup (the default reuses one reading for a millisecond).
      ttlResolution: 0,
      perf: { now },
    });
  }

  /** A resource's answer, or `fallback` when it failed (the failure reported). */
  async get(path: string, params: Record<string, string>, fallback: unknown): Promise<unknown> {
    const { from, to } = this.source.range();
    const round = (ms: number) =>
      String(Math.floor(ms / COMPLETION_CACHE.rangeRoundingMs) * COMPLETION_CACHE.rangeRoundingMs);
    const all = { ...params, from: round(from), to: round(to) };
    const key = `${path}?${new URLSearchParams(all)}`;
    let pending = this.cache.get(key);
    if (!pending) {
      pending = this.source.fetch(path, all);
      this.cache.set(key, pending);
    }
    try {
      const value = await pending;
      this.source.onError(undefined);
      return value;
    } catch (error) {
      this.cache.delete(key);
      this.source.onError(error instanceof Error ? error.message : String(error));
      return fallback;
    }
  }

  /** A list of strings (anything else in the answer dropped). */
  async strings(path: string, params: Record<string, string>): Promise<string[]> {
    const values = await this.get(path, params, []);
    return Array.isArray(values) ? values.filter((v): v is string => typeof v === 'string') : [];
  }

  clear() {
    this.cache.clear();
  }
}
