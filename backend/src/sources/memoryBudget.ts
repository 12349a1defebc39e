import { AsyncLocalStorage } from 'node:async_hooks';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

const MiB = 1024 * 1024;

/**
 * Bytes of memory that upstream answers may take in their read, parsed, framed and encoded forms
 * (estimated, see requestJson): per data source instance, so that one instance's large answers
 * (or an admin's max response size of 1024 MiB) cannot make every other instance's queries fail,
 * and for the whole process, which bounds the sum. Mutable for tests only.
 */
export const memoryBudget = { instanceBytes: 192 * MiB, processBytes: 384 * MiB };

/** One bounded pool of bytes: the whole process's, or one data source instance's. */
export class MemoryPool {
  used = 0;
  constructor(
    /** Says whose pool this is in an error message. */
    readonly owner: 'instance' | 'process',
    private readonly limit: () => number
  ) {}

  get maxBytes(): number {
    return this.limit();
  }
}

const processPool = new MemoryPool('process', () => memoryBudget.processBytes);
const instancePools = new Map<string, MemoryPool>();
const MAX_IDLE_INSTANCE_POOLS = 256;

/** The pool of one data source instance; pools that hold nothing are forgotten past 256. */
function instancePool(instance: string): MemoryPool {
  let pool = instancePools.get(instance);
  if (!pool) {
    if (instancePools.size >= MAX_IDLE_INSTANCE_POOLS) {
      for (const [key, idle] of instancePools) {
        if (idle.used === 0) {
          instancePools.delete(key);
        }
      }
    }
    pool = new MemoryPool('instance', () => memoryBudget.instanceBytes);
    instancePools.set(instance, pool);
  }
  return pool;
}

/**
 * What one query holds (or one health or resource call): taken from its instance's pool and the
 * process's together, given back when its answer is encoded and sent.
 */
export class Reservation {
  private held = 0;
  private readonly pools: MemoryPool[];

  constructor(instance: string) {
    this.pools = [instancePool(instance), processPool];
  }

  get bytes(): number {
    return this.held;
  }

  /** The most one reservation can ever hold: its instance's budget. */
  get ceiling(): number {
    return this.pools[0].maxBytes;
  }

  /** Takes `bytes` more, or nothing and returns the pool that has not got them. */
  take(bytes: number): MemoryPool | undefined {
    const short = this.pools.find((pool) => pool.used + bytes > pool.maxBytes);
    if (short && bytes > 0) {
      return short;
    }
    this.adjust(bytes);
    return undefined;
  }

  /** Gives `bytes` back (at most what is held). */
  give(bytes: number): void {
    this.adjust(-Math.min(bytes, this.held));
  }

  releaseAll(): void {
    this.give(this.held);
  }

  private adjust(delta: number): void {
    this.held += delta;
    for (const pool of this.pools) {
      pool.used += delta;
    }
  }
}

/** The reservation of the query running now (set per query by the QueryData handler). */
export const queryMemory = new AsyncLocalStorage<Reservation>();

export function mib(bytes: number): string {
  return (Math.round((bytes / MiB) * 10) / 10).toString();
}

/** What a refusal says: whose budget is spent, and what to do about it. */
export function budgetSpentText(pool: MemoryPool): string {
  return pool.owner === 'instance'
    ? `this data source's answers would pass its memory budget of ${mib(pool.maxBytes)} MiB: narrow the time range or lower the limit of the queries, or spread them over several panels`
    : `the backend already holds ${mib(pool.maxBytes)} MiB of answers for all data sources, its memory budget: try again in a moment`;
}

/** For tests: what the pools hold. */
export function poolUsage(instance: string): { instance: number; process: number } {
  return { instance: instancePools.get(instance)?.used ?? 0, process: processPool.used };
}

/**
 * V8 lets garbage grow with the heap before it collects: the copies of a large answer (its
 * chunks, text, parsed form, frames, encoded frames) would all still be in memory when the next
 * one arrives, several times what the budget counts. Once this many bytes of counted answers
 * have become garbage, a full collection gives them back before more are read.
 */
const COLLECT_AFTER_BYTES = 48 * MiB;

/**
 * Smaller answers are left to V8: their copies die young, in scavenges that cost little, and a
 * forced full collection every 48 MiB of them (every few hundred queries of a busy dashboard,
 * 40–90 ms each with the event loop stopped) took a quarter of the backend's time under load
 * (docs/performance.md, "Against a Go data source").
 */
const LARGE_ANSWER_BYTES = 1 * MiB;

/**
 * Node 24's V8 grows the young generation to 128 MiB under a large answer's allocations (its
 * text pieces and parsed objects) and keeps it: one 16 MiB Prometheus matrix raised the
 * process's RSS by 173 MiB with that growth, by 80 MiB without (tests/conformance/memory_test.go).
 * Kept at its initial size (8 MiB: the executable's --min-semi-space-size, backend/scripts/build.mjs),
 * large answers go to the old generation, which the collections here give back. Set at load,
 * before any answer is read.
 */
v8.setFlagsFromString('--semi-space-growth-factor=1');

let garbageBytes = 0;
let collection: NodeJS.Immediate | undefined;
/** V8's `gc` of --expose-gc. */
type GcOptions = { type: 'major'; execution: 'sync'; flavor: 'last-resort' };
let gc: ((options?: GcOptions) => void) | undefined;

/**
 * A full collection that also gives the freed pages back to the system ("last-resort", what
 * V8 does on a low-memory notification): the next stage's Buffers live outside V8's heap and
 * can only use pages V8 returned, and the process's size falls back between large answers
 * instead of staying at its highest.
 */
function collectGarbage(): void {
  if (collection) {
    clearImmediate(collection);
  }
  collection = undefined;
  garbageBytes = 0;
  if (!gc) {
    // Node has no API for a collection; the flag only adds the `gc` function to new contexts.
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as (options?: GcOptions) => void;
  }
  // The plain call first: Node 20's V8 (the unit tests' Node) ignores the options.
  gc();
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

/**
 * Notes that `bytes` of counted answers are garbage once the current callback returns (its
 * locals may still hold them now); collects in the next turn once enough are.
 */
export function becameGarbage(bytes: number): void {
  if (bytes < LARGE_ANSWER_BYTES) {
    return;
  }
  garbageBytes += bytes;
  if (garbageBytes >= COLLECT_AFTER_BYTES && !collection) {
    collection = setImmediate(collectGarbage);
  }
}

/**
 * Notes that `bytes` of counted answers are garbage already (no frame on the stack holds them:
 * V8 keeps what a running function's registers still point to) and collects at once when
 * enough are, giving the pages back: a large answer's text is then gone before its frames are
 * built, and its parsed form before the response is serialized (Buffers outside V8's heap,
 * which can use only pages V8 gave back), instead of every stage's copy waiting together.
 */
export function collectGarbageNow(bytes: number): void {
  if (bytes >= LARGE_ANSWER_BYTES) {
    garbageBytes += bytes;
  }
  if (garbageBytes >= COLLECT_AFTER_BYTES) {
    collectGarbage();
  }
}
