import { EVENT_FIELDS } from '@memstack/telemetry/signals';
import { isEventFilterField, RESOURCE_PATHS } from '../../contract';
import type { ResourceLists } from './resourceLists';

/** What is being typed at the cursor of a Lucene query. */
export type LuceneTerm =
  | { kind: 'field'; from: number; prefix: string }
  | { kind: 'value'; field: string; from: number; prefix: string; quoted: boolean };

/** Characters that end a term outside quotes. */
const BOUNDARY = new Set([' ', '\t', '\n', '(', ')', '+', '-', '!']);

/** The term the cursor is in (text before the cursor given), found by one backward scan. */
export function termAt(before: string): LuceneTerm {
  const quotes = [...before].filter((c) => c === '"').length;
  let start = before.length;
  if (quotes % 2 === 1) {
    // Inside a quoted value: the term starts where its field does.
    start = before.lastIndexOf('"');
    while (start > 0 && !BOUNDARY.has(before[start - 1])) {
      start--;
    }
  } else {
    while (start > 0 && !BOUNDARY.has(before[start - 1])) {
      start--;
    }
  }
  const term = before.slice(start);
  const colon = term.indexOf(':');
  if (colon === -1) {
    return { kind: 'field', from: start, prefix: term };
  }
  const value = term.slice(colon + 1);
  const quoted = value.startsWith('"');
  return {
    kind: 'value',
    field: term.slice(0, colon),
    from: start + colon + 1,
    prefix: quoted ? value.slice(1) : value,
    quoted,
  };
}

/** A value as Lucene reads it as one term: quoted when it has anything but letters, digits, _ . @. */
export function luceneValue(value: string): string {
  return /^[\w.@]+$/.test(value) ? value : `"${value.replace(/["\\]/g, '\\$&')}"`;
}

export interface LuceneOption {
  label: string;
  detail: string;
  /** What replaces the term from `from` on. */
  apply: string;
}

/**
 * The options at the cursor: event field names (typed from the index template's list) where a
 * field starts, the field's values from Elasticsearch (the field-values resource) after `field:`.
 * Values come only for the keyword fields the backend lists values of.
 */
export async function luceneOptions(term: LuceneTerm, lists: ResourceLists): Promise<LuceneOption[]> {
  if (term.kind === 'field') {
    return Object.entries(EVENT_FIELDS).map(([field, type]) => ({ label: field, detail: type, apply: `${field}:` }));
  }
  if (!isEventFilterField(term.field)) {
    return [];
  }
  const values = await lists.strings(RESOURCE_PATHS.elasticsearchFieldValues, { field: term.field });
  return values.map((value) => ({ label: value, detail: term.field, apply: luceneValue(value) }));
}
