import { namePlaceholder, replaceReferences } from './queryTemplates';

/** Where a Lucene query cannot be read, as offsets into it, and why. */
export interface LuceneProblem {
  from: number;
  to: number;
  message: string;
}

/** Words that need a term after them. */
const OPERATORS = new Set(['AND', 'OR', 'NOT', '&&', '||']);

/** Whitespace, which separates Lucene terms outside quotes. */
export const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/**
 * The first structural problem of a Lucene query (Elasticsearch's query_string syntax): a quote,
 * bracket, range or regular expression never closed, a bracket closing nothing, a dangling
 * operator or field at the end. Variables stand in as terms of their length. One linear scan:
 * the `lucene` grammar package backtracks exponentially on nested groups (8 levels of
 * `NOT (` took 22 s), which a field the user types cannot afford. Elasticsearch still judges
 * the rest when the query runs.
 */
export function luceneProblem(query: string): LuceneProblem | undefined {
  const text = replaceReferences(query, ({ token }) => namePlaceholder(token));
  const open: Array<{ range: boolean; at: number }> = [];
  for (let at = 0; at < text.length; at++) {
    const c = text[at];
    if (c === '\\') {
      at++;
    } else if (c === '"' || (c === '/' && startsTerm(text, at))) {
      const end = closing(text, at);
      if (end === -1) {
        return {
          from: at,
          to: at + 1,
          message: c === '"' ? 'this quote is never closed' : 'this regular expression is never closed',
        };
      }
      at = end;
    } else if (c === '(' || c === '[' || c === '{') {
      open.push({ range: c !== '(', at });
    } else if (c === ')' || c === ']' || c === '}') {
      if (open.length === 0 || open[open.length - 1].range !== (c !== ')')) {
        return { from: at, to: at + 1, message: `"${c}" closes no ${c === ')' ? 'group' : 'range'} here` };
      }
      open.pop();
    }
  }
  const unclosed = open.pop();
  if (unclosed) {
    return {
      from: unclosed.at,
      to: unclosed.at + 1,
      message: unclosed.range ? 'this range is never closed' : 'this bracket is never closed',
    };
  }
  return danglingEnd(text);
}

/** Whether a character at `at` begins a term (a regular expression starts only there). */
function startsTerm(text: string, at: number): boolean {
  return at === 0 || isSpace(text[at - 1]) || text[at - 1] === ':' || text[at - 1] === '(';
}

/** The index of the unescaped `text[from]` that closes the one at `from`, or -1. */
function closing(text: string, from: number): number {
  for (let at = from + 1; at < text.length; at++) {
    if (text[at] === '\\') {
      at++;
    } else if (text[at] === text[from]) {
      return at;
    }
  }
  return -1;
}

/** An operator or `field:` as the last word: something must follow it. */
function danglingEnd(text: string): LuceneProblem | undefined {
  let end = text.length;
  while (end > 0 && isSpace(text[end - 1])) {
    end--;
  }
  let start = end;
  while (start > 0 && !isSpace(text[start - 1])) {
    start--;
  }
  const last = text.slice(start, end);
  if (OPERATORS.has(last)) {
    return { from: start, to: end, message: `the query ends with ${last}: a term must follow it` };
  }
  if (last.endsWith(':') && !last.endsWith('\\:')) {
    return { from: start, to: end, message: `${last} needs a value` };
  }
  return undefined;
}
