import { BACKEND_MACROS, referenceAt } from './templating';

/**
 * Grafana's macros and dashboard variables inside PromQL and Lucene, for the editors: the names
 * they complete after `$`, and the text with every reference replaced by valid PromQL or Lucene
 * of the same length, so the parsers' errors and offsets are those of what the user wrote. Pure.
 */

/** Macros whose value is a number (milliseconds or seconds), not a duration. */
const NUMBER_MACRO = /_(ms|s)$/;

export interface TemplateName {
  label: string;
  detail: string;
}

/** What completes after `$`: the backend's macros, then the dashboard's variables. */
export function templateNames(variables: readonly string[]): TemplateName[] {
  return [
    ...[...BACKEND_MACROS].map((name) => ({ label: `$${name}`, detail: 'Grafana macro' })),
    ...variables.map((name) => ({ label: `$${name}`, detail: 'dashboard variable' })),
  ];
}

/** A variable or macro reference found in a query text. */
export interface FoundReference {
  token: string;
  name: string;
  macro: boolean;
  /** Inside a PromQL range selector's brackets. */
  inRange: boolean;
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
    out += text.slice(copied, at) + replace({ ...found, macro: BACKEND_MACROS.has(found.name), inRange });
    at += found.token.length - 1;
    copied = at + 1;
  }
  return out + text.slice(copied);
}

/** A name of the reference's length: valid wherever a PromQL or Lucene term is. */
export const namePlaceholder = (token: string) => 'v'.padEnd(token.length, '_');

/**
 * The expression with each reference replaced, length kept: a macro by a duration (or a number
 * for the _ms/_s ones), a variable inside [ ] by a duration, any other variable by a name.
 * With `keepMacros`, macros stay (the catalog rules read $__rate_interval themselves).
 */
export function withoutTemplates(expr: string, keepMacros = false): string {
  return replaceReferences(expr, ({ token, name, macro, inRange }) => {
    if (macro && keepMacros) {
      return token;
    }
    if (macro || inRange) {
      return (macro && NUMBER_MACRO.test(name) ? '1' : '1s').padEnd(token.length, ' ');
    }
    return namePlaceholder(token);
  });
}
