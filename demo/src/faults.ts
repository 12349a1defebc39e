import type { Mem0Like } from './memoryService.js';

/**
 * Faults the demo can be told to have (`POST /admin/faults`), one per alert rule of the app, so
 * that each rule can be seen firing on a real stack and resolving after recovery.
 */
export interface DemoFaults {
  /** Added latency per backend breaker, plus `mem0` for the memory calls themselves (measured). */
  latency: Record<string, number>;
  /** Share of mem0 calls that fail with an injected error (0..1). */
  errorRate: number;
  /** Every search misses the Redis cache. */
  cacheMissStorm: boolean;
  /**
   * The agent whose context grows without bound (an agent stuck in a loop); `*` until the
   * simulation picks one whose agent_id is not folded by the id cap.
   */
  contextRunaway: string | undefined;
  /** Agents store the same fact again and again, faster than consolidation merges it. */
  duplicateFlood: boolean;
  /** Each search reports a CRITICAL AI error event. */
  criticalErrors: boolean;
  /** Idle PostgreSQL connections held open (a leaking client). */
  pgConnectionFlood: number;
  /**
   * Share of requests to the memory API answered 500 before they reach the memory service (a
   * broken proxy or deploy): HTTP server errors without failing memory operations (0..1).
   */
  httpErrorRate: number;
  /** Agents correct and forget what they stored: most of their steps update or delete a memory. */
  churnStorm: boolean;
  /** Agents add exactly what they stored before: mem0 skips every fact, so adds store nothing. */
  repeatedFacts: boolean;
  /** Searches reach an empty namespace (a deploy pointing at a new collection): they find nothing. */
  searchMisses: boolean;
  /**
   * New embeddings come from a different model: half of each vector disagrees with the vectors
   * already stored, so searches match what the store holds only weakly.
   */
  embedderDrift: boolean;
  /** Searches answer only memories last written two months ago (the answers' dates moved back). */
  staleRecall: boolean;
}

/** The faults that are switched on and off (`true`/`false` in a request). */
const SWITCHES = [
  'cacheMissStorm',
  'duplicateFlood',
  'criticalErrors',
  'churnStorm',
  'repeatedFacts',
  'searchMisses',
  'embedderDrift',
  'staleRecall',
] as const;

/** How far back `staleRecall` moves the dates of recalled memories. */
export const STALE_RECALL_AGE_MS = 60 * 86_400_000;

/** The namespace `searchMisses` sends searches to: no memory is ever stored under it. */
export const EMPTY_NAMESPACE_USER = 'fault-empty-namespace';

export function noFaults(latency: Record<string, number>): DemoFaults {
  return {
    latency,
    errorRate: 0,
    cacheMissStorm: false,
    contextRunaway: undefined,
    duplicateFlood: false,
    criticalErrors: false,
    pgConnectionFlood: 0,
    httpErrorRate: 0,
    churnStorm: false,
    repeatedFacts: false,
    searchMisses: false,
    embedderDrift: false,
    staleRecall: false,
  };
}

export class InjectedFaultError extends Error {
  constructor(method: string) {
    super(`injected fault: mem0 ${method} failed`);
    this.name = 'InjectedFaultError';
  }
}

/** An HTTP request the API answers with a server error because of the `httpErrorRate` fault. */
export class InjectedHttpError extends Error {
  constructor() {
    super('injected fault: the memory API answered a server error');
    this.name = 'InjectedHttpError';
  }
}

/** Throws InjectedHttpError for the share of requests the `httpErrorRate` fault asks for. */
export function failRequestIfFaulted(faults: DemoFaults): void {
  if (faults.httpErrorRate > 0 && Math.random() < faults.httpErrorRate) {
    throw new InjectedHttpError();
  }
}

/** A share from 0 to 1 from a request body field, or an error naming the field. */
function share(name: string, value: unknown): number {
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new Error(`${name}: expected a number from 0 to 1`);
  }
  return rate;
}

/** Applies a request body of /admin/faults; throws a message naming the bad field. */
export function applyFaultRequest(faults: DemoFaults, body: Record<string, unknown>): void {
  const { service, latencyMs, errorRate, contextRunaway, pgConnectionFlood, httpErrorRate } = body;
  if (body.reset === true) {
    for (const key of Object.keys(faults.latency)) {
      delete faults.latency[key];
    }
    Object.assign(faults, noFaults(faults.latency));
  }
  if (typeof service === 'string') {
    faults.latency[service] = Math.max(0, Number(latencyMs) || 0);
  }
  if (errorRate !== undefined) {
    faults.errorRate = share('errorRate', errorRate);
  }
  if (httpErrorRate !== undefined) {
    faults.httpErrorRate = share('httpErrorRate', httpErrorRate);
  }
  for (const name of SWITCHES) {
    const value = body[name];
    if (value !== undefined) {
      if (typeof value !== 'boolean') {
        throw new Error(`${name}: expected true or false`);
      }
      faults[name] = value;
    }
  }
  if (contextRunaway !== undefined) {
    if (
      contextRunaway !== null &&
      typeof contextRunaway !== 'string' &&
      contextRunaway !== true &&
      contextRunaway !== false
    ) {
      throw new Error('contextRunaway: expected an agent id such as "research:u-2", true (any agent), or false');
    }
    faults.contextRunaway = contextRunaway === true ? '*' : contextRunaway || undefined;
  }
  if (pgConnectionFlood !== undefined) {
    const count = Number(pgConnectionFlood);
    if (!Number.isInteger(count) || count < 0 || count > 500) {
      throw new Error('pgConnectionFlood: expected a whole number of connections from 0 to 500');
    }
    faults.pgConnectionFlood = count;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * mem0 with the memory faults applied inside the call, so that the instrumentation around it
 * measures the added latency and counts the injected errors as a slow or failing store would be.
 */
export function withMemoryFaults(memory: Mem0Like, faults: DemoFaults): Mem0Like {
  return new Proxy(memory, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') {
        return value;
      }
      return async (...args: unknown[]) => {
        const delay = faults.latency.mem0 ?? 0;
        if (delay > 0) {
          await sleep(delay);
        }
        if (faults.errorRate > 0 && Math.random() < faults.errorRate) {
          throw new InjectedFaultError(String(property));
        }
        if (property !== 'search') {
          return value.apply(target, args);
        }
        const answer = await value.apply(target, searchArguments(args, faults));
        return faults.staleRecall ? backdated(answer) : answer;
      };
    },
  });
}

/** A search's arguments, sent to the empty namespace under `searchMisses`. */
function searchArguments(args: unknown[], faults: DemoFaults): unknown[] {
  if (!faults.searchMisses) {
    return args;
  }
  const [query, options] = args as [unknown, { filters?: Record<string, unknown> } | undefined];
  return [query, { ...options, filters: { ...options?.filters, user_id: EMPTY_NAMESPACE_USER } }];
}

/** A search answer whose memories were all last written STALE_RECALL_AGE_MS ago. */
function backdated(answer: unknown): unknown {
  const results = (answer as { results?: unknown })?.results;
  if (!Array.isArray(results)) {
    return answer;
  }
  const then = new Date(Date.now() - STALE_RECALL_AGE_MS).toISOString();
  return { ...(answer as object), results: results.map((r) => ({ ...r, createdAt: then, updatedAt: then })) };
}
