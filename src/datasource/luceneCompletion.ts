import { EVENT_FIELDS } from '@memstack/telemetry/signals';
import { isEventFilterField, RESOURCE_PATHS } from '../../contract';
import { isSpace } from './luceneCheck';
import type { ResourceLists } from './resourceLists';

/** What is being typed at the cursor of a Lucene query. */
export type LuceneTerm =
  | { kind: 'field'; from: number; prefix: string }
  | { kind: 'value'; field: string; from: number; prefix: string; quoted: boolean };

/**
 * The term the cursor is in (text before the cursor given), found by one forward scan: quotes
 * (escapes skipped) hold spaces; `+`, `-` and `!` are operators only where a term starts; inside
 * `field:( … )` a bare term is a value of that field.
 */
export function termAt(before: string): LuceneTerm {
  let start = 0;
  let quoted = false;
  const groupFields: Array<string | undefined> = [];
  for (let at = 0; at < before.length; at++) {
    const c = before[at];
    if (c === '\\') {
      at++;
    } else if (quoted) {
      quoted = c !== '"';
    } else if (c === '"') {
      quoted = true;
    } else if (c === '(') {
      const prefix = before.slice(start, at);
      groupFields.push(prefix.endsWith(':') ? prefix.slice(0, -1) : undefined);
      start = at + 1;
    } else if (c === ')') {
      groupFields.pop();
      start = at + 1;
    } else if (isSpace(c) || ((c === '+' || c === '-' || c === '!') && at === start)) {
      start = at + 1;
    }
  }
  const term = before.slice(start);
  const colon = term.indexOf(':');
  const field = colon === -1 ? groupFields[groupFields.length - 1] : term.slice(0, colon);
  if (field === undefined) {
    return { kind: 'field', from: start, prefix: term };
  }
  const valueFrom = colon === -1 ? start : start + colon + 1;
  const value = before.slice(valueFrom);
  return {
    kind: 'value',
    field,
    from: valueFrom,
    prefix: value.startsWith('"') ? value.slice(1) : value,
    quoted: value.startsWith('"'),
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
