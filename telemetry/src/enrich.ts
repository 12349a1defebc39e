import { queryPatterns } from './patterns.js';

/**
 * The enrichment the guide's Logstash pipeline did, done in the SDK before bulk indexing: agent
 * split, duration, performance class, error extraction, query patterns. Pure.
 */
export interface AiEvent {
  '@timestamp'?: string | number | Date;
  event_type?: string;
  level?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | string;
  message?: string;
  agent_id?: string | [string, string];
  agent_type?: string;
  user_id?: string;
  operation?: string;
  /** Epoch seconds (as the guide's pipeline), Date or ISO text. */
  start_time?: number | string | Date;
  end_time?: number | string | Date;
  duration_ms?: number;
  query?: string;
  memory_id?: string;
  relevance_score?: number;
  cache_hit?: boolean;
  context_size?: number;
  batch_size?: number;
  result_count?: number;
  error_type?: string;
  error_message?: string;
  trace_id?: string;
  span_id?: string;
  [field: string]: unknown;
}

export type PerformanceClass = 'excellent' | 'good' | 'acceptable' | 'poor';

export interface EnrichedEvent extends AiEvent {
  '@timestamp': string;
  performance_class?: PerformanceClass;
  error_category?: string;
  requires_attention?: boolean;
  query_patterns?: string[];
}

/** ≤50 ms excellent, ≤100 good, ≤200 acceptable, else poor (the guide's thresholds). */
export function performanceClass(durationMs: number): PerformanceClass {
  if (durationMs <= 50) {
    return 'excellent';
  }
  if (durationMs <= 100) {
    return 'good';
  }
  if (durationMs <= 200) {
    return 'acceptable';
  }
  return 'poor';
}

/** Seconds since the epoch of a time given as epoch seconds, Date or ISO text. */
function toEpochSeconds(value: number | string | Date | undefined): number | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : undefined;
  }
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}

/**
 * How far an event's own timestamp may lie from now. Events are indexed per day of their
 * timestamp, so an unbounded one would let a caller create an index for any day; outside the
 * window the event is stamped now.
 */
export const EVENT_TIMESTAMP_WINDOW_MS = { past: 7 * 24 * 3600_000, future: 5 * 60_000 } as const;

function isoTimestamp(value: AiEvent['@timestamp'], now: Date): string {
  if (value === undefined) {
    return now.toISOString();
  }
  const date = typeof value === 'number' ? new Date(value) : value instanceof Date ? value : new Date(value);
  const offset = date.getTime() - now.getTime();
  const inWindow = offset >= -EVENT_TIMESTAMP_WINDOW_MS.past && offset <= EVENT_TIMESTAMP_WINDOW_MS.future;
  return inWindow ? date.toISOString() : now.toISOString();
}

const ERROR_MARK = 'Error: ';
/** Characters of a query that its patterns are read from. */
export const PATTERN_TEXT_LIMIT = 64 * 1024;

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * `XxxError: message` as the guide's grok pattern `[A-Za-z]+Error: (.*)` read it, found in one
 * pass: each "Error: " is looked at once and the letters before it walked back once (letter runs
 * do not overlap), so a megabyte of text costs a megabyte of work. The regex it replaces
 * backtracked from every start position: quadratic, seconds on an 80k-character message.
 */
export function extractError(text: string): { type: string; message: string } | undefined {
  for (let at = text.indexOf(ERROR_MARK); at >= 0; at = text.indexOf(ERROR_MARK, at + 1)) {
    let start = at;
    while (start > 0 && isAsciiLetter(text.charCodeAt(start - 1))) {
      start--;
    }
    if (start < at) {
      return { type: text.slice(start, at + ERROR_MARK.length - 2), message: text.slice(at + ERROR_MARK.length) };
    }
  }
  return undefined;
}

/** `agent_id` as [type, user], or "type:user" / "type/user"; anything else has no split. */
function splitAgentId(agentId: AiEvent['agent_id']): [string, string] | undefined {
  if (Array.isArray(agentId) && agentId.length >= 2) {
    return [String(agentId[0]), String(agentId[1])];
  }
  const parts = typeof agentId === 'string' ? agentIdParts(agentId) : undefined;
  return parts ? [parts.type, parts.user] : undefined;
}

/** "type:user" or "type/user" split at its first separator (both parts non-empty), else undefined. */
export function agentIdParts(agentId: string): { type: string; separator: string; user: string } | undefined {
  const at = agentId.search(/[:/]/);
  return at > 0 && at < agentId.length - 1
    ? { type: agentId.slice(0, at), separator: agentId[at], user: agentId.slice(at + 1) }
    : undefined;
}

/** The agent type of an id written "type:user"; an id without a separator names no type. */
export function agentTypeFromId(agentId: string | undefined): string {
  return (agentId === undefined ? undefined : agentIdParts(agentId)?.type) ?? 'unknown';
}

export function enrichEvent(
  event: AiEvent,
  context: { now?: Date; traceId?: string; spanId?: string } = {}
): EnrichedEvent {
  const now = context.now ?? new Date();
  const out: EnrichedEvent = { ...event, '@timestamp': isoTimestamp(event['@timestamp'], now) };
  const split = splitAgentId(event.agent_id);
  if (split) {
    out.agent_type ??= split[0];
    out.user_id ??= split[1];
  }
  if (Array.isArray(out.agent_id)) {
    out.agent_id = out.agent_id.join(':');
  }
  if (out.duration_ms === undefined) {
    const start = toEpochSeconds(event.start_time);
    const end = toEpochSeconds(event.end_time);
    if (start !== undefined && end !== undefined && end >= start) {
      out.duration_ms = (end - start) * 1000;
    }
  }
  if (typeof out.duration_ms === 'number' && Number.isFinite(out.duration_ms)) {
    out.performance_class = performanceClass(out.duration_ms);
  }
  for (const key of ['start_time', 'end_time'] as const) {
    const seconds = toEpochSeconds(event[key]);
    if (seconds !== undefined) {
      out[key] = new Date(seconds * 1000).toISOString();
    }
  }
  if (String(event.level ?? '').toUpperCase() === 'ERROR') {
    const found = extractError(String(event.message ?? ''));
    if (found) {
      out.error_type ??= found.type;
      out.error_message ??= found.message;
    }
    if (out.error_type) {
      out.error_category = out.error_type;
      out.requires_attention = true;
    }
  }
  if (typeof event.query === 'string' && event.query !== '') {
    // The intent of a query shows in its opening: classifying a megabyte would cost the host ~0.1 s.
    const patterns = queryPatterns(event.query.slice(0, PATTERN_TEXT_LIMIT));
    if (patterns.length > 0) {
      out.query_patterns = patterns;
    }
  }
  if (context.traceId && !out.trace_id) {
    out.trace_id = context.traceId;
    if (context.spanId) {
      out.span_id ??= context.spanId;
    }
  }
  return out;
}

/** Daily index of an event, by its UTC date: `ai-events-2026.11.25`. */
export function dailyIndex(prefix: string, isoTimestampText: string): string {
  const date = new Date(isoTimestampText);
  const day = Number.isFinite(date.getTime()) ? date : new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${prefix}-${day.getUTCFullYear()}.${pad(day.getUTCMonth() + 1)}.${pad(day.getUTCDate())}`;
}
