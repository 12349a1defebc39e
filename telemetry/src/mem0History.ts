/**
 * A history per memory: one `memory_change` AI event per memory a write changed, built from the
 * call's arguments, mem0's answer and (for update and delete) mem0's own history of that memory.
 * Pure; the events carry raw ids and texts, which the event logger's privacy policy turns into
 * hashes (or drops) before they leave the process.
 */
import { EVENT_TYPES, MEMORY_ACTIONS, type MemoryAction } from './catalog.js';
import type { AiEvent } from './enrich.js';

/** One memory of an add's answer, as far as its history reads it. */
export interface ChangedMemoryItem {
  id?: unknown;
  memory?: unknown;
  /** mem0 2.x and older: what the add did to this memory; with UPDATE, the text it replaced. */
  event?: unknown;
  previous_memory?: unknown;
  /** mem0 3.x: `{ event: "ADD" }`. */
  metadata?: { event?: unknown } | null;
}

/** One row of mem0's history of a memory: self-hosted (SQLite) or platform spelling. */
export interface HistoryRow {
  action?: unknown;
  event?: unknown;
  previous_value?: unknown;
  old_memory?: unknown;
  new_value?: unknown;
  new_memory?: unknown;
}

/** One memory a write changed: its id, what happened to it, its text before and after when known. */
export interface MemoryChange {
  memoryId: string;
  action: MemoryAction;
  oldContent?: string;
  newContent?: string;
}

/** Who wrote, and in which trace, for every change of one call. */
export interface ChangeContext {
  operation: string;
  agentId?: string;
  agentType: string;
  userId?: string;
  traceId?: string;
  spanId?: string;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function actionOf(raw: unknown): MemoryAction | undefined {
  const action = typeof raw === 'string' ? raw.toLowerCase() : undefined;
  return (MEMORY_ACTIONS as ReadonlyArray<string | undefined>).includes(action) ? (action as MemoryAction) : undefined;
}

/**
 * The memories an add changed. mem0 3.x answers only what it stored (ADD); older versions answer
 * every fact with ADD, UPDATE (with `previous_memory`), DELETE (`memory` is the text removed) or
 * NONE (nothing changed: no event). A memory without an id or with another event is skipped.
 */
export function addChanges(items: readonly ChangedMemoryItem[]): MemoryChange[] {
  const changes: MemoryChange[] = [];
  for (const item of items) {
    const memoryId = text(item?.id);
    const action = actionOf(item?.event ?? item?.metadata?.event ?? 'ADD');
    if (!memoryId || !action) {
      continue;
    }
    const memory = text(item.memory);
    changes.push(
      action === 'delete'
        ? { memoryId, action, oldContent: memory }
        : {
            memoryId,
            action,
            oldContent: action === 'update' ? text(item.previous_memory) : undefined,
            newContent: memory,
          }
    );
  }
  return changes;
}

/** The text `update(id, text)` writes: a string, or `{ text }` (mem0 3.x), or `{ data }` (older). */
export function updateText(update: unknown): string | undefined {
  if (typeof update === 'string') {
    return update;
  }
  const options = update as { text?: unknown; data?: unknown } | null | undefined;
  return text(options?.text) ?? text(options?.data);
}

/**
 * The row of mem0's history that records this write: the newest (mem0 answers newest first) with
 * its action and, for an update whose text is known, that text. Undefined when none matches (a
 * history of another shape, or another writer's row only).
 */
export function historyRowOf(rows: unknown, action: 'update' | 'delete', newContent?: string): HistoryRow | undefined {
  if (!Array.isArray(rows)) {
    return undefined;
  }
  return (rows as HistoryRow[]).find(
    (row) =>
      actionOf(row?.action ?? row?.event) === action &&
      (newContent === undefined || text(row.new_value ?? row.new_memory) === newContent)
  );
}

/** An update or delete of one memory; its old text from mem0's history row when one was read. */
export function explicitChange(
  action: 'update' | 'delete',
  memoryId: unknown,
  newContent: string | undefined,
  row: HistoryRow | undefined
): MemoryChange | undefined {
  const id = text(memoryId);
  if (!id) {
    return undefined;
  }
  const oldContent = text(row?.previous_value ?? row?.old_memory);
  return action === 'delete'
    ? { memoryId: id, action, oldContent }
    : { memoryId: id, action, oldContent, newContent: newContent ?? text(row?.new_value ?? row?.new_memory) };
}

const byteLength = (value: string | undefined) => (value === undefined ? undefined : Buffer.byteLength(value));

const PAST = { add: 'added', update: 'updated', delete: 'deleted' } as const;

/** The memory_change event of one change. */
export function memoryChangeEvent(change: MemoryChange, context: ChangeContext): AiEvent {
  const oldLength = byteLength(change.oldContent);
  const newLength = byteLength(change.newContent);
  const sizes = [oldLength, newLength].filter((n) => n !== undefined).join(' → ');
  return {
    event_type: EVENT_TYPES.change,
    level: 'INFO',
    // No id nor text in the message: both follow the privacy policy in their own fields.
    message: `memory ${PAST[change.action]}${sizes ? ` (${sizes} bytes)` : ''}`,
    operation: context.operation,
    memory_action: change.action,
    memory_id: change.memoryId,
    agent_id: context.agentId,
    agent_type: context.agentType,
    user_id: context.userId,
    trace_id: context.traceId,
    span_id: context.spanId,
    old_content: change.oldContent,
    new_content: change.newContent,
    old_content_length: oldLength,
    new_content_length: newLength,
  };
}
