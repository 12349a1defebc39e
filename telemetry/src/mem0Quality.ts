/**
 * The memory's quality from what mem0 answers: what each write did to the store, what each search
 * found, and how old the recalled memories are. Pure reading of the answer plus calls to the
 * recorders; every part it cannot read is counted (ai_telemetry_unreadable_results_total), never
 * thrown.
 */
import { WRITE_DECISIONS, type UnreadablePart, type WriteDecision } from './catalog.js';

/** One memory of a mem0 answer, as far as quality signals read it. */
export interface RecalledMemory {
  score?: unknown;
  /** mem0 2.x and older: what the write did to this fact. */
  event?: unknown;
  /** mem0 3.x: `{ event: "ADD" }` on each memory an add stored. */
  metadata?: { event?: unknown } | null;
  createdAt?: unknown;
  created_at?: unknown;
  updatedAt?: unknown;
  updated_at?: unknown;
}

/** The recorders quality signals go to (MemoryTelemetry's). */
export interface QualityRecorder {
  trackWriteOutcome(operation: string, agentType: string, decision: WriteDecision, count?: number): void;
  trackMemoriesPerAdd(agentType: string, added: number): void;
  trackSearchOutcome(agentType: string, results: number, topSimilarity?: number): void;
  trackRecallAge(agentType: string, seconds: number): void;
  countUnreadable(operation: string, what: UnreadablePart): void;
}

/**
 * What an add did, fact by fact. mem0 3.x answers only the memories it stored, each with
 * `metadata.event: "ADD"` (duplicates are skipped silently); older versions answer every fact with
 * `event` ADD, UPDATE, DELETE or NONE. A memory without an event was stored.
 */
export function writeDecisions(items: readonly RecalledMemory[]): Record<WriteDecision, number> {
  const counts: Record<WriteDecision, number> = { add: 0, update: 0, delete: 0, none: 0 };
  for (const item of items) {
    const raw = item?.event ?? item?.metadata?.event ?? 'ADD';
    const decision = typeof raw === 'string' ? raw.toLowerCase() : '';
    if ((WRITE_DECISIONS as readonly string[]).includes(decision)) {
      counts[decision as WriteDecision] += 1;
    }
  }
  return counts;
}

/** When a memory was last written, epoch ms, or undefined when it carries no readable date. */
export function lastWritten(item: RecalledMemory): number | undefined {
  for (const value of [item?.updatedAt, item?.updated_at, item?.createdAt, item?.created_at]) {
    const ms = typeof value === 'string' || typeof value === 'number' ? new Date(value).getTime() : NaN;
    if (Number.isFinite(ms)) {
      return ms;
    }
  }
  return undefined;
}

function recordAdd(recorder: QualityRecorder, agentType: string, items: readonly RecalledMemory[]): void {
  const decisions = writeDecisions(items);
  for (const decision of WRITE_DECISIONS) {
    if (decisions[decision] > 0) {
      recorder.trackWriteOutcome('add', agentType, decision, decisions[decision]);
    }
  }
  recorder.trackMemoriesPerAdd(agentType, decisions.add);
}

/** The scores of the memories that carry a finite one. */
export function finiteScores(items: readonly RecalledMemory[]): number[] {
  return items.map((i) => i?.score).filter((s): s is number => typeof s === 'number' && Number.isFinite(s));
}

function recordSearch(recorder: QualityRecorder, agentType: string, items: readonly RecalledMemory[], now: number) {
  const scores = finiteScores(items);
  if (items.length > 0 && scores.length === 0) {
    recorder.countUnreadable('search', 'score');
  }
  recorder.trackSearchOutcome(agentType, items.length, scores.length > 0 ? Math.max(...scores) : undefined);
  let undated = false;
  for (const item of items) {
    const written = lastWritten(item);
    if (written === undefined) {
      undated = true;
    } else {
      recorder.trackRecallAge(agentType, (now - written) / 1000);
    }
  }
  if (undated) {
    recorder.countUnreadable('search', 'date');
  }
}

/**
 * Records the quality signals of one successful call. `items` is undefined when the answer of an
 * add or a search had a shape the SDK does not know.
 */
export function recordQuality(
  recorder: QualityRecorder,
  method: string,
  agentType: string,
  items: readonly RecalledMemory[] | undefined,
  now: number
): void {
  switch (method) {
    case 'add':
    case 'search':
      if (items === undefined) {
        recorder.countUnreadable(method, 'result');
      } else if (method === 'add') {
        recordAdd(recorder, agentType, items);
      } else {
        recordSearch(recorder, agentType, items, now);
      }
      return;
    case 'update':
      recorder.trackWriteOutcome('update', agentType, 'update', 1);
      return;
    case 'delete':
      recorder.trackWriteOutcome('delete', agentType, 'delete', 1);
      return;
  }
}
