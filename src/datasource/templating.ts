/**
 * Dashboard variables in queries, the way Grafana's own data sources treat them, with each value
 * escaped for the place it lands in. Pure: the template service is reached through `Lookup`.
 *
 * - PromQL: inside "…" or '…' a value is escaped for that string; after =~ or !~ it is a regex,
 *   so each value is regex-escaped and several become (a|b); a custom "All" value such as .* is
 *   inserted as written. Grafana's $__interval, $__rate_interval and $__range stay for the backend.
 * - Lucene: outside quotes a value is escaped term by term, several become ("a" OR "b"); inside
 *   a quoted phrase only \ and " are escaped.
 * - Filters, services, operations, tags: values are data (sent as JSON terms, never as query
 *   text), so a multi-value variable gives several values and a value with a comma stays one.
 */

/** A variable's value(s) as the template service resolves them. */
export type Resolved =
  /** The selected values (one for a single-value variable; every value for "All" without a custom value). */
  | { values: string[] }
  /** Text to insert as it is: a custom "All" value, an explicit ${var:format}, or an unknown variable. */
  | { raw: string };

/** Resolves the variable a reference names; `token` is the reference as written ($x, ${x:csv}, [[x]]). */
export type Lookup = (name: string, token: string, format?: string) => Resolved;

/** Macros the backend replaces per query (it knows the step and range Grafana chose). */
export const BACKEND_MACROS = new Set([
  '__interval',
  '__interval_ms',
  '__rate_interval',
  '__rate_interval_ms',
  '__range',
  '__range_s',
  '__range_ms',
]);

const REFERENCE =
  /\$\{([A-Za-z0-9_.]+)(?::([A-Za-z0-9_]+))?\}|\$([A-Za-z0-9_]+)|\[\[([A-Za-z0-9_.]+)(?::([A-Za-z0-9_]+))?\]\]/y;

interface Reference {
  name: string;
  format?: string;
  token: string;
}

/** The variable reference starting at `index`, if any. */
export function referenceAt(text: string, index: number): Reference | undefined {
  REFERENCE.lastIndex = index;
  const m = REFERENCE.exec(text);
  if (!m) {
    return undefined;
  }
  return { name: m[1] ?? m[3] ?? m[4], format: m[2] ?? m[5], token: m[0] };
}

/** RE2 metacharacters, as Prometheus' regex matchers read them. */
export function regexEscape(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Escapes text for a PromQL string literal opened with `quote`. */
export function promStringEscape(value: string, quote: '"' | "'" | '`'): string {
  if (quote === '`') {
    // Raw strings have no escapes; a backtick can only be written as a regex escape.
    return value.replace(/`/g, '\\x60');
  }
  return value
    .replace(/\\/g, '\\\\')
    .replace(quote === '"' ? /"/g : /'/g, `\\${quote}`)
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r');
}

function promRegex(resolved: Resolved): string {
  if ('raw' in resolved) {
    return resolved.raw;
  }
  const escaped = resolved.values.map(regexEscape);
  return escaped.length === 1 ? escaped[0] : `(${escaped.join('|')})`;
}

function promLiteral(resolved: Resolved): string {
  if ('raw' in resolved) {
    return resolved.raw;
  }
  // Several values cannot match an exact matcher; Grafana writes them as a regex alternation,
  // which the user sees fail to match and fixes with =~.
  return resolved.values.length === 1 ? resolved.values[0] : `(${resolved.values.map(regexEscape).join('|')})`;
}

function plain(resolved: Resolved): string {
  return 'raw' in resolved ? resolved.raw : resolved.values.join(',');
}

/** True when the string opening at `quoteIndex` is the value of a regex matcher (=~ or !~). */
function isRegexMatcher(expr: string, quoteIndex: number): boolean {
  let i = quoteIndex - 1;
  while (i >= 0 && /\s/.test(expr[i])) {
    i--;
  }
  return expr[i] === '~' && (expr[i - 1] === '=' || expr[i - 1] === '!');
}

export function interpolatePromQL(expr: string, lookup: Lookup): string {
  let out = '';
  let quote: '"' | "'" | '`' | undefined;
  let regex = false;
  for (let i = 0; i < expr.length;) {
    const ch = expr[i];
    if (quote) {
      if (ch === '\\' && quote !== '`') {
        out += expr.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (ch === quote) {
        quote = undefined;
        out += ch;
        i++;
        continue;
      }
    } else if (ch === '"' || ch === "'" || ch === '`') {
      quote = ch;
      regex = isRegexMatcher(expr, i);
      out += ch;
      i++;
      continue;
    } else if (ch === '#') {
      // A comment runs to the end of the line: left as written.
      const end = expr.indexOf('\n', i);
      const stop = end < 0 ? expr.length : end;
      out += expr.slice(i, stop);
      i = stop;
      continue;
    }
    const ref = ch === '$' || ch === '[' ? referenceAt(expr, i) : undefined;
    if (!ref || (BACKEND_MACROS.has(ref.name) && !ref.format)) {
      out += ref ? ref.token : ch;
      i += ref ? ref.token.length : 1;
      continue;
    }
    const resolved = lookup(ref.name, ref.token, ref.format);
    if (!quote) {
      out += plain(resolved);
    } else if (ref.format || 'raw' in resolved) {
      out += 'raw' in resolved ? promStringEscape(resolved.raw, quote) : promStringEscape(plain(resolved), quote);
    } else {
      out += promStringEscape(regex ? promRegex(resolved) : promLiteral(resolved), quote);
    }
    i += ref.token.length;
  }
  return out;
}

const LUCENE_SPECIAL = /[+\-=&|><!(){}[\]^"~*?:\\/\s]/g;

/** Escapes a value to stand as one Lucene term. */
export function luceneEscape(value: string): string {
  return value.replace(LUCENE_SPECIAL, '\\$&');
}

function phraseEscape(value: string): string {
  return value.replace(/[\\"]/g, '\\$&');
}

export function interpolateLucene(query: string, lookup: Lookup): string {
  let out = '';
  let inPhrase = false;
  for (let i = 0; i < query.length;) {
    const ch = query[i];
    if (ch === '\\') {
      out += query.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (ch === '"') {
      inPhrase = !inPhrase;
      out += ch;
      i++;
      continue;
    }
    const ref = ch === '$' || ch === '[' ? referenceAt(query, i) : undefined;
    if (!ref) {
      out += ch;
      i++;
      continue;
    }
    const resolved = lookup(ref.name, ref.token, ref.format);
    if ('raw' in resolved) {
      out += inPhrase ? phraseEscape(resolved.raw) : resolved.raw;
    } else if (inPhrase) {
      out += resolved.values.map(phraseEscape).join('" OR "');
    } else if (resolved.values.length === 1) {
      out += luceneEscape(resolved.values[0]);
    } else {
      out += `(${resolved.values.map((v) => `"${phraseEscape(v)}"`).join(' OR ')})`;
    }
    i += ref.token.length;
  }
  return out;
}

/**
 * A data value: exactly one variable gives its values (several for a multi-value variable, each
 * kept whole); text around or between variables gives one string.
 */
export function interpolateValues(text: string, lookup: Lookup): string[] {
  const whole = referenceAt(text, 0);
  if (whole && whole.token === text) {
    const resolved = lookup(whole.name, whole.token, whole.format);
    return 'raw' in resolved ? [resolved.raw] : resolved.values;
  }
  return [interpolateText(text, lookup)];
}

/** A single data value (a service, an operation, a trace id, a tag value). */
export function interpolateText(text: string, lookup: Lookup): string {
  let out = '';
  for (let i = 0; i < text.length;) {
    const ref = text[i] === '$' || text[i] === '[' ? referenceAt(text, i) : undefined;
    if (!ref) {
      out += text[i];
      i++;
      continue;
    }
    out += plain(lookup(ref.name, ref.token, ref.format));
    i += ref.token.length;
  }
  return out;
}
