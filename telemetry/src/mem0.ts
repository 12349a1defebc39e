import { AsyncLocalStorage } from 'node:async_hooks';
import { isSpanContextValid, trace, type Span } from '@opentelemetry/api';
import { EVENT_TYPES } from './catalog.js';
import { agentTypeFromId, type AiEvent } from './enrich.js';
import type { MemoryTelemetry } from './memoryTelemetry.js';
import {
  addChanges,
  explicitChange,
  historyRowOf,
  memoryChangeEvent,
  updateText,
  type ChangeContext,
  type MemoryChange,
} from './mem0History.js';
import { finiteScores, recordQuality, type RecalledMemory } from './mem0Quality.js';
import { resolvePrivacy, type PrivacyOptions } from './privacy.js';
import {
  traceMemoryOperation,
  type MemoryOperationContext,
  type MemoryOperationOutcome,
  type MemoryRecord,
} from './tracing.js';

/** What instrumentMem0 needs of an event sink (an AiEventLogger fits). */
export interface EventSink {
  log(event: AiEvent): void;
}

export interface InstrumentMem0Options {
  telemetry: MemoryTelemetry;
  events?: EventSink;
  /** The agent type label of this memory's operations, or a function of the call's ids. */
  agentType?: string | ((ids: CallIds) => string);
  /** `gen_ai.memory.store.id` on spans; default "mem0". */
  storeId?: string;
  /** @deprecated use `privacy: { queryText: 'keep' }`. */
  recordQueryText?: boolean;
  /**
   * What of the user spans may carry (events follow their logger's own policy); default: user ids
   * hashed, no query text (`queryText: 'keep'` opts in), no memory contents (`memoryRecords: 'keep'`).
   */
  privacy?: PrivacyOptions;
  /**
   * After each successful update and delete, reads mem0's history of that memory (off the host's
   * path: the host's call has returned) for the text the write replaced, so that its memory_change
   * event carries the old content's hash and length; default true. Without it, or with a `history`
   * that fails, the event has the new content only.
   */
  readHistory?: boolean;
}

export interface CallIds {
  userId?: string;
  agentId?: string;
  runId?: string;
}

const callerContext = new AsyncLocalStorage<CallIds & { agentType?: string }>();

/**
 * Runs `fn` with the caller's ids known to instrumentMem0: mem0's `get`, `update`, `delete` and
 * `history` take only a memory id, so a service names its caller once around the call.
 */
export function withMemoryCaller<T>(caller: CallIds & { agentType?: string }, fn: () => T): T {
  return callerContext.run(caller, fn);
}

/** The methods of mem0's `Memory` (mem0ai/oss) and `MemoryClient` that are instrumented. */
export const MEM0_METHODS = ['add', 'search', 'get', 'getAll', 'update', 'delete', 'deleteAll', 'history'] as const;
type Mem0Method = (typeof MEM0_METHODS)[number];

interface MemoryItemLike extends RecalledMemory {
  id?: string;
  score?: number;
  memory?: string;
}

/** Ids from mem0's option objects: `{ userId }`, `{ user_id }`, `{ filters: { user_id } }`. */
export function callIds(options: unknown): CallIds {
  if (!options || typeof options !== 'object') {
    return {};
  }
  const o = options as Record<string, any>;
  const filters = (o.filters ?? {}) as Record<string, any>;
  const pick = (camel: string, snake: string) => {
    const v = o[camel] ?? o[snake] ?? filters[snake] ?? filters[camel];
    return typeof v === 'string' ? v : undefined;
  };
  return { userId: pick('userId', 'user_id'), agentId: pick('agentId', 'agent_id'), runId: pick('runId', 'run_id') };
}

/** The memories of an answer (a list, or `{ results }`), or undefined when it has another shape. */
function resultItems(result: unknown): MemoryItemLike[] | undefined {
  if (Array.isArray(result)) {
    return result as MemoryItemLike[];
  }
  const items = (result as { results?: unknown })?.results;
  return Array.isArray(items) ? (items as MemoryItemLike[]) : undefined;
}

/** An answer's memories and how many there are: `get` answers one memory or null, the others a list. */
function readAnswer(method: Mem0Method, result: unknown): { items?: MemoryItemLike[]; count: number } {
  const items = resultItems(result);
  return { items, count: method === 'get' ? (result ? 1 : 0) : (items?.length ?? 0) };
}

function messageCount(messages: unknown): number {
  return Array.isArray(messages) ? messages.length : 1;
}

function messagesText(messages: unknown): number {
  if (typeof messages === 'string') {
    return Buffer.byteLength(messages);
  }
  if (Array.isArray(messages)) {
    return messages.reduce((n: number, m: { content?: unknown }) => n + Buffer.byteLength(String(m?.content ?? '')), 0);
  }
  return 0;
}

/** An update's new content: the text, or `{ text }` (`{ data }` before mem0 3) as mem0 takes it. */
function updateContent(config: unknown): unknown {
  if (typeof config === 'object' && config !== null) {
    const { text, data } = config as { text?: unknown; data?: unknown };
    return text ?? data;
  }
  return config;
}

/**
 * What one call's arguments say, before it runs. `recordCount` is what a write attempts, as the
 * conventions define `gen_ai.memory.record.count` for update and delete: one record each.
 * `deleteAll` has no count: how many records it will remove is not known to the caller.
 */
function describeCall(method: Mem0Method, args: unknown[]) {
  const recordId = typeof args[0] === 'string' ? args[0] : undefined;
  switch (method) {
    case 'add':
      return { ids: callIds(args[1]), batchSize: messageCount(args[0]), contextSize: messagesText(args[0]) };
    case 'search':
      return { ids: callIds(args[1]), query: typeof args[0] === 'string' ? args[0] : undefined };
    case 'getAll':
    case 'deleteAll':
      return { ids: callIds(args[0]) };
    case 'update':
      return {
        ids: callIds(args[1]),
        recordId,
        recordCount: 1,
        records: [{ ...(recordId ? { id: recordId } : {}), content: updateContent(args[1]) ?? null }],
      };
    case 'delete':
      return { ids: {} as CallIds, recordId, recordCount: 1 };
    default:
      return { ids: {} as CallIds, recordId };
  }
}

/** A memory of mem0's answer as the conventions' memory record: id, text, score; never its metadata (user ids). */
function asRecord(item: MemoryItemLike): MemoryRecord {
  const record: MemoryRecord = { content: item?.memory ?? null };
  if (typeof item?.id === 'string') {
    record.id = item.id;
  }
  if (typeof item?.score === 'number' && Number.isFinite(item.score)) {
    record.score = item.score;
  }
  return record;
}

/**
 * What a finished call adds to its span. `gen_ai.memory.record.count` of a read is the records
 * it returned; of an `add` (upsert), the records mem0 answers it created or updated: mem0 decides
 * inside the call which facts to write, and the answer is the only count the caller can see.
 * `history` answers a record's change log, not records: it gets neither. The records themselves
 * are only read when the host opted in to them.
 */
function spanOutcome(
  method: Mem0Method,
  result: unknown,
  items: MemoryItemLike[] | undefined,
  count: number,
  withRecords: boolean
): MemoryOperationOutcome {
  switch (method) {
    case 'get':
      return {
        resultCount: count,
        recordCount: count,
        records: withRecords ? (result ? [asRecord(result as MemoryItemLike)] : []) : undefined,
      };
    case 'search':
    case 'getAll':
    case 'add':
      return {
        resultCount: count,
        recordCount: items?.length,
        records: withRecords ? items?.map(asRecord) : undefined,
      };
    default:
      return { resultCount: count };
  }
}

/** Who a call's agent is, from the options (a function, a fixed type, or derived from the agent id). */
function agentTypeOf(options: InstrumentMem0Options, ids: CallIds): string {
  return typeof options.agentType === 'function'
    ? options.agentType(ids)
    : (options.agentType ?? agentTypeFromId(ids.agentId));
}

/** What a call is about, from its arguments and the ambient caller; any fault here is the SDK's. */
function prepareCall(
  options: InstrumentMem0Options,
  privacy: ReturnType<typeof resolvePrivacy>,
  method: Mem0Method,
  args: unknown[]
) {
  const call = describeCall(method, args);
  const ambient = callerContext.getStore();
  call.ids = {
    userId: call.ids.userId ?? ambient?.userId,
    agentId: call.ids.agentId ?? ambient?.agentId,
    runId: call.ids.runId ?? ambient?.runId,
  };
  const agentType = ambient?.agentType ?? agentTypeOf(options, call.ids);
  const span: MemoryOperationContext = {
    operation: method,
    agentId: call.ids.agentId,
    agentType,
    userId: call.ids.userId,
    contextSize: 'contextSize' in call ? call.contextSize : undefined,
    storeId: options.storeId ?? 'mem0',
    recordId: 'recordId' in call ? call.recordId : undefined,
    recordCount: 'recordCount' in call ? call.recordCount : undefined,
    records: 'records' in call ? call.records : undefined,
    query: 'query' in call ? call.query : undefined,
    recordQueryText: options.recordQueryText,
    privacy,
  };
  return { call, agentType, span };
}

/** Who wrote and in which trace: read inside the call's span, so that events logged later still carry it. */
function changeContext({ method, call, agentType }: CallStart): ChangeContext {
  const span = trace.getActiveSpan()?.spanContext();
  const traced = span && isSpanContextValid(span);
  return {
    operation: method,
    agentId: call.ids.agentId,
    agentType,
    userId: call.ids.userId,
    traceId: traced ? span.traceId : undefined,
    spanId: traced ? span.spanId : undefined,
  };
}

/** Reports an instrumentation fault once; the host's logger failing must not fail the host's call. */
function reportFault(telemetry: InstrumentMem0Options['telemetry'], method: string, error: unknown): void {
  try {
    telemetry.reportOnce(
      'mem0',
      `telemetry: instrumentMem0 could not record ${method}: ${(error as Error)?.message ?? String(error)}`
    );
  } catch {
    // the host's logger failing must not fail the host's call
  }
}

/** How a call ended: its result items and count, or its error. */
type CallOutcome = { items?: MemoryItemLike[]; count?: number; error?: unknown };

/** One call of the host's: what it asked and when it started (wall clock and monotonic). */
type CallStart = {
  method: Mem0Method;
  call: ReturnType<typeof describeCall>;
  agentType: string;
  started: number;
  t0: number;
};

/** Records a finished call: its metrics, then its AI event. */
function recordCall(options: InstrumentMem0Options, start: CallStart, outcome: CallOutcome): void {
  // Always called inside guarded(): a fault here reaches fault(), never the host.
  const { method, call, agentType, t0 } = start;
  const { items = [], error } = outcome;
  const seconds = (performance.now() - t0) / 1000;
  const scores = recordCallMetrics(options.telemetry, method, call, agentType, seconds, items, error);
  logCallEvent(options, start, seconds, outcome, scores);
}

/** The call's metrics: operation, access, relevance scores and query pattern of a search, batch size of an add. */
function recordCallMetrics(
  telemetry: InstrumentMem0Options['telemetry'],
  method: Mem0Method,
  call: ReturnType<typeof describeCall>,
  agentType: string,
  seconds: number,
  items: MemoryItemLike[],
  error: unknown
): number[] {
  telemetry.recordOperation(method, agentType, error ? 'error' : 'success', seconds);
  telemetry.trackMemoryAccess(agentType);
  const scores = finiteScores(items);
  if (method === 'search') {
    scores.forEach((score) => telemetry.trackRelevanceScore(agentType, Math.max(0, Math.min(1, score))));
    if (call.query) {
      telemetry.trackQueryPattern(call.query, agentType);
    }
  }
  if (method === 'add' && 'batchSize' in call && call.batchSize !== undefined) {
    telemetry.trackBatchSize('add', call.batchSize);
  }
  return scores;
}

/** The call's AI event (memory_operation). */
function logCallEvent(
  options: InstrumentMem0Options,
  { method, call, agentType, started }: CallStart,
  seconds: number,
  outcome: CallOutcome,
  scores: number[]
): void {
  const { items = [], count, error } = outcome;
  const err = error as Error | undefined;
  options.events?.log({
    event_type: EVENT_TYPES.operation,
    operation: method,
    level: err ? 'ERROR' : 'INFO',
    message: err
      ? `${err.name && err.name !== 'Error' ? err.name : 'MemoryError'}: ${err.message}`
      : `${method} finished`,
    agent_id: call.ids.agentId,
    agent_type: agentType,
    user_id: call.ids.userId,
    start_time: started / 1000,
    end_time: (started + seconds * 1000) / 1000,
    query: 'query' in call ? call.query : undefined,
    memory_id: 'recordId' in call ? call.recordId : items[0]?.id,
    relevance_score: scores.length > 0 ? Math.max(...scores) : undefined,
    result_count: count,
    batch_size: 'batchSize' in call ? call.batchSize : undefined,
    context_size: 'contextSize' in call ? call.contextSize : undefined,
  });
}

/**
 * Makes a mem0 `Memory` (self-hosted, `mem0ai/oss`) or `MemoryClient` emit every signal with no
 * other code: operation counts and latency, relevance scores of search results, batch sizes of
 * `add`, result counts, a span with the GenAI memory attributes, and one AI event per call.
 * The returned object is the same memory behind a proxy; the caller's results and errors pass
 * through untouched, and instrumentation faults are swallowed.
 */
export function instrumentMem0<M extends object>(memory: M, options: InstrumentMem0Options): M {
  const { telemetry } = options;
  const privacy = resolvePrivacy(options.privacy);
  const prepare = (method: Mem0Method, args: unknown[]) => prepareCall(options, privacy, method, args);

  /**
   * The host's call runs exactly once and its result or error reaches the host untouched; every
   * step of ours (preparing, the span, extracting results, recording) runs under a guard, and if
   * the tracer itself fails, the call runs without it.
   */
  const wrap = (method: Mem0Method, original: (...args: unknown[]) => Promise<unknown>) =>
    function (this: unknown, ...args: unknown[]) {
      let prepared: ReturnType<typeof prepare>;
      try {
        prepared = prepare(method, args);
      } catch (error) {
        fault(method, error);
        return original.apply(memory, args);
      }
      const { call, agentType } = prepared;
      const start: CallStart = { method, call, agentType, started: Date.now(), t0: performance.now() };
      const run = async (report?: (o: MemoryOperationOutcome) => void) => {
        let result: unknown;
        try {
          result = await original.apply(memory, args);
        } catch (error) {
          guarded(method, () => recordCall(options, start, { error }));
          throw error;
        }
        guarded(method, () => {
          const { items, count } = readAnswer(method, result);
          recordCall(options, start, { items: items ?? [], count });
          recordQuality(telemetry, method, agentType, items, Date.now());
          if (options.events && (method === 'add' || method === 'update' || method === 'delete')) {
            logChanges(method, args, items ?? [], changeContext(start));
          }
        });
        // Apart: an answer the span cannot read must not cost the call its metrics and event.
        guarded(method, () => {
          const { items, count } = readAnswer(method, result);
          report?.(spanOutcome(method, result, items, count, privacy.memoryRecords === 'keep'));
        });
        return result;
      };
      // The host's call starts at most once, whichever path starts it.
      let running: Promise<unknown> | undefined;
      const runOnce = (report?: (o: MemoryOperationOutcome) => void) => (running ??= run(report));
      let traced: Promise<unknown>;
      try {
        traced = traceMemoryOperation(prepared.span, (_span: Span, report) => runOnce(report));
      } catch (error) {
        fault(method, error);
        return runOnce();
      }
      return traced.catch((error: unknown) => {
        if (running) {
          return running; // the host's own result or error, whatever the tracer did around it
        }
        fault(method, error);
        return runOnce(); // the tracer failed before the call started
      });
    };

  const fault = (method: string, error: unknown) => reportFault(telemetry, method, error);

  /** The memory_change events of a successful write; an update's or delete's after reading mem0's history. */
  function logChanges(method: Mem0Method, args: unknown[], items: MemoryItemLike[], context: ChangeContext): void {
    const events = options.events;
    if (!events) {
      return;
    }
    const log = (changes: Array<MemoryChange | undefined>) =>
      guarded(method, () => {
        for (const change of changes) {
          if (change) {
            events.log(memoryChangeEvent(change, context));
          }
        }
      });
    if (method === 'add') {
      log(addChanges(items));
      return;
    }
    if (method !== 'update' && method !== 'delete') {
      return;
    }
    const newContent = method === 'update' ? updateText(args[1]) : undefined;
    const history = Reflect.get(memory, 'history') as ((id: unknown) => unknown) | undefined;
    if (options.readHistory === false || typeof history !== 'function') {
      log([explicitChange(method, args[0], newContent, undefined)]);
      return;
    }
    // Not awaited: the host's call has its answer; a history that fails leaves the old content unknown.
    void Promise.resolve()
      .then(() => history.call(memory, args[0]))
      .then((rows) => historyRowOf(rows, method, newContent))
      .catch(() => undefined)
      .then((row) => log([explicitChange(method, args[0], newContent, row)]));
  }

  function guarded(method: string, step: () => void): void {
    try {
      step();
    } catch (error) {
      fault(method, error);
    }
  }

  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(memory, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || !(MEM0_METHODS as readonly PropertyKey[]).includes(property)) {
        return value;
      }
      if (!wrapped.has(property)) {
        wrapped.set(property, wrap(property as Mem0Method, value as (...args: unknown[]) => Promise<unknown>));
      }
      return wrapped.get(property);
    },
  });
}
