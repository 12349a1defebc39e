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
let garbageBytes = 0;
let collection: NodeJS.Immediate | undefined;
let gc: (() => void) | undefined;

function collectGarbage(): void {
  collection = undefined;
  garbageBytes = 0;
  if (!gc) {
    // Node has no API for a collection; the flag only adds the `gc` function to new contexts.
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
}

/**
 * Notes that `bytes` of counted answers are garbage once the current callback returns (its
 * locals may still hold them now); collects in the next turn once enough are.
 */
export function becameGarbage(bytes: number): void {
  garbageBytes += bytes;
  if (garbageBytes >= COLLECT_AFTER_BYTES && !collection) {
    collection = setImmediate(collectGarbage);
  }
}
