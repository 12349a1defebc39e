import { createHmac, randomBytes } from 'node:crypto';
import type { Attributes } from '@opentelemetry/api';
import { agentIdParts } from './enrich.js';

/**
 * What of a user leaves the process. By default a user id is replaced by a keyed hash (so events
 * of one user still group together, but the id is not readable), and neither query text (its
 * patterns are computed first) nor memories' contents are sent at all. A host opts in to the raw
 * values, or drops them, and can redact anything else with a hook.
 */
export type SensitiveHandling = 'keep' | 'hash' | 'drop';

export interface PrivacyOptions {
  /** `user_id` of events and `ai.user_id` of spans (and the user part of an agent_id "type:user"); default `hash`. */
  userId?: SensitiveHandling;
  /** `query` of events and `gen_ai.memory.query.text` of spans; default `drop`. */
  queryText?: SensitiveHandling;
  /**
   * `gen_ai.memory.records` of memory spans: the memories' text, returned or stored; default
   * `drop`. No hash: a hashed memory would be neither readable nor the conventions' record.
   */
  memoryRecords?: 'keep' | 'drop';
  /**
   * `memory_id` of events and `gen_ai.memory.record.id` of spans; default `hash`. A memory id is
   * not user data, but it is the key to a memory's content: hashed, one memory's events still
   * group (its history), and the id cannot be used to read the memory.
   */
  memoryId?: SensitiveHandling;
  /**
   * `old_content` and `new_content` of memory_change events: `keep` sends the text (cut at
   * MEMORY_CONTENT_LIMIT characters) with its hash, `hash` only its keyed hash, `drop` neither;
   * the lengths are always sent. Default `hash`.
   */
  memoryContent?: SensitiveHandling;
  /**
   * Key of the hash. Give the same key to every process that should produce the same hashes;
   * by default a random key per process (hashes then only group within one process's life).
   */
  hashKey?: string;
  /** Last say over each event before it is queued: return the event to send, or undefined to drop it. */
  redactEvent?: (event: Record<string, unknown>) => Record<string, unknown> | undefined;
  /** Last say over the attributes of each memory operation span. */
  redactSpanAttributes?: (attributes: Attributes) => Attributes;
}

const processKey = randomBytes(32).toString('hex');

export interface ResolvedPrivacy {
  userId: SensitiveHandling;
  queryText: SensitiveHandling;
  memoryRecords: 'keep' | 'drop';
  memoryId: SensitiveHandling;
  memoryContent: SensitiveHandling;
  hash: (value: string) => string;
  redactEvent?: PrivacyOptions['redactEvent'];
  redactSpanAttributes?: PrivacyOptions['redactSpanAttributes'];
}

/** Hashes kept: user and memory ids come back call after call (an HMAC costs about 10 µs). */
const HASH_MEMO_ENTRIES = 1024;
/** Longer values (query texts, memory contents) are hashed each time: the memo holds ids, not documents. */
const HASH_MEMO_VALUE_LIMIT = 128;

/** `hash` computed once per short value, in a memo that starts over when full. */
function remembered(hash: (value: string) => string): (value: string) => string {
  const memo = new Map<string, string>();
  return (value) => {
    if (value.length > HASH_MEMO_VALUE_LIMIT) {
      return hash(value);
    }
    let hashed = memo.get(value);
    if (hashed === undefined) {
      if (memo.size >= HASH_MEMO_ENTRIES) {
        memo.clear();
      }
      hashed = hash(value);
      memo.set(value, hashed);
    }
    return hashed;
  };
}

export function resolvePrivacy(options: PrivacyOptions = {}): ResolvedPrivacy {
  const key = options.hashKey ?? processKey;
  return {
    userId: options.userId ?? 'hash',
    queryText: options.queryText ?? 'drop',
    memoryRecords: options.memoryRecords ?? 'drop',
    memoryId: options.memoryId ?? 'hash',
    memoryContent: options.memoryContent ?? 'hash',
    // 16 bytes of HMAC-SHA256: enough to tell users apart, not enough to be worth reversing.
    hash: remembered((value: string) => `h:${createHmac('sha256', key).update(value).digest('hex').slice(0, 32)}`),
    redactEvent: options.redactEvent,
    redactSpanAttributes: options.redactSpanAttributes,
  };
}

/** A sensitive value as the policy says: itself, its hash, or nothing. */
export function protect(value: unknown, handling: SensitiveHandling, privacy: ResolvedPrivacy): string | undefined {
  if (value === undefined || value === null || value === '') {
    return undefined;
  }
  const text = String(value);
  return handling === 'keep' ? text : handling === 'hash' ? privacy.hash(text) : undefined;
}

/** Characters of a memory id kept as it is (`memoryId: 'keep'`); mem0's ids are 36-character UUIDs. */
export const MEMORY_ID_LIMIT = 128;
/** Characters of a memory's text an event carries when the policy keeps it; its hash and length cover all of it. */
export const MEMORY_CONTENT_LIMIT = 2048;

/** A memory id as the policy says, bounded: a kept id is cut at MEMORY_ID_LIMIT, a hash is fixed-size. */
export function protectMemoryId(value: unknown, privacy: ResolvedPrivacy): string | undefined {
  return protect(value, privacy.memoryId, privacy)?.slice(0, MEMORY_ID_LIMIT);
}

/** The user part of an agent id written "type:user" or "type/user" is a user id too. */
export function protectAgentId(agentId: unknown, privacy: ResolvedPrivacy): unknown {
  if (privacy.userId === 'keep' || typeof agentId !== 'string') {
    return agentId;
  }
  const parts = agentIdParts(agentId);
  if (!parts) {
    return agentId;
  }
  const user = protect(parts.user, privacy.userId, privacy);
  return user === undefined ? parts.type : `${parts.type}${parts.separator}${user}`;
}

/**
 * What a redacted value is replaced by in URLs and Redis statements: the instrumentation's own
 * word for it (@opentelemetry/instrumentation-http writes REDACTED for the parameters it knows).
 */
export const REDACTED = 'REDACTED';

/**
 * A query string (without "?") with every parameter's value replaced, names kept:
 * `user_id=alice&limit=5` → `user_id=REDACTED&limit=REDACTED`. Which parameter carries a user id,
 * a query text or a token is the host's business, so none is trusted. A scanner, not a regex:
 * the text comes from whoever sent the request.
 */
export function redactQueryValues(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      return equals === -1 ? pair : `${pair.slice(0, equals)}=${REDACTED}`;
    })
    .join('&');
}

/** A URL, or a path with its query, with the query's values redacted; the fragment goes too. */
export function redactUrlQuery(url: string): string {
  const question = url.indexOf('?');
  const hash = url.indexOf('#');
  if (question === -1 || (hash !== -1 && hash < question)) {
    return hash === -1 ? url : url.slice(0, hash);
  }
  const query = url.slice(question + 1, hash === -1 ? url.length : hash);
  return `${url.slice(0, question)}?${redactQueryValues(query)}`;
}

/**
 * A Redis command as a span may carry it: the command name and how many arguments it had, never
 * the arguments. Keys carry user ids (`mem:search:<user>:…`) and values carry memories.
 */
export function redisStatementWithoutArguments(command: string, args: readonly unknown[]): string {
  if (args.length === 0) {
    return command;
  }
  return `${command} [${args.length} argument${args.length === 1 ? '' : 's'}]`;
}
