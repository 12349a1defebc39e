import { BACKEND_MACROS, referenceAt } from './templating';

/**
 * Grafana's macros and dashboard variables inside PromQL and Lucene, for the editors: the names
 * they complete after `$`, and the text with every reference replaced by valid PromQL or Lucene
 * of the same length, so the parsers' errors and offsets are those of what the user wrote. Pure.
 */

/** Macros whose value is a number (milliseconds or seconds), not a duration. */
const NUMBER_MACRO = /_(ms|s)$/;

/** The macros the dashboard lint reads back itself (src/promql/lint.ts rewrites exactly these). */
const LINTED_MACROS = new Set(['$__rate_interval', '$__range', '$__interval']);

/** A reference being typed, just before the cursor; and what may follow while its list stays valid. */
export const TYPED_REFERENCE = /\$\{?\w*$/;
export const REFERENCE_SO_FAR = /^\$\{?\w*$/;

export interface TemplateName {
  label: string;
  macro: boolean;
}

/** What completes after `$`: the backend's macros, then the dashboard's variables. */
export function templateNames(variables: readonly string[]): TemplateName[] {
  return [
    ...[...BACKEND_MACROS].map((name) => ({ label: `$${name}`, macro: true })),
    ...variables.map((name) => ({ label: `$${name}`, macro: false })),
  ];
}

/** A variable or macro reference found in a query text. */
export interface FoundReference {
  token: string;
  name: string;
  macro: boolean;
  /** Where it starts in the text. */
  at: number;
  /** Inside a PromQL range selector's brackets. */
  inRange: boolean;
  /** Right after `offset` or `@` (a duration or a timestamp stands there in PromQL). */
  after: 'offset' | '@' | undefined;
}

/** The text with each reference ($x, ${x:fmt}, [[x]]) replaced by what `replace` gives; one linear scan. */
export function replaceReferences(text: string, replace: (reference: FoundReference) => string): string {
  let out = '';
  let copied = 0;
  // Whether the last bracket before here opened a range selector, kept as the scan goes.
  let inRange = false;
  for (let at = 0; at < text.length; at++) {
    const c = text[at];
    const found = c === '$' || (c === '[' && text[at + 1] === '[') ? referenceAt(text, at) : undefined;
    if (!found) {
      inRange = c === '[' ? true : c === ']' ? false : inRange;
      continue;
    }
    const macro = BACKEND_MACROS.has(found.name);
    out += text.slice(copied, at) + replace({ ...found, macro, at, inRange, after: precededBy(text, at) });
    at += found.token.length - 1;
    copied = at + 1;
  }
  return out + text.slice(copied);
}

/** `offset` or `@` just before `at` (spaces between), looking back a few characters only. */
function precededBy(text: string, at: number): FoundReference['after'] {
  const before = text.slice(Math.max(0, at - 12), at).trimEnd();
  return before.endsWith('@') ? '@' : /(^|[^\w])offset$/i.test(before) ? 'offset' : undefined;
}

/** A name of the reference's length: valid wherever a PromQL or Lucene term is. */
export const namePlaceholder = (token: string) => 'v'.padEnd(token.length, '_');

/** Where each reference of the text is, as offsets. */
export function referenceSpans(text: string): Array<{ from: number; to: number }> {
  const spans: Array<{ from: number; to: number }> = [];
  replaceReferences(text, ({ token, at }) => {
    spans.push({ from: at, to: at + token.length });
    return token;
  });
  return spans;
}

/**
 * The expression with each reference replaced, length kept: a macro by a duration (or a number
 * for the _ms/_s ones), a variable inside [ ] or after `offset` by a duration, after `@` by a
 * timestamp, any other variable by a name. With `keepMacros`, the three macros the dashboard
 * lint reads back stay as written.
 */
export function withoutTemplates(expr: string, keepMacros = false): string {
  return replaceReferences(expr, ({ token, name, macro, inRange, after }) => {
    if (keepMacros && LINTED_MACROS.has(token)) {
      return token;
    }
    if ((macro && NUMBER_MACRO.test(name)) || after === '@') {
      return '1'.padEnd(token.length, ' ');
    }
    if (macro || inRange || after === 'offset') {
      return '1s'.padEnd(token.length, ' ');
    }
    return namePlaceholder(token);
  });
}
