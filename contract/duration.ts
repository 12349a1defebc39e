/**
 * Prometheus-style durations ("15s", "1m30s", "500ms") or plain seconds ("15", "1.5"), read by a
 * single left-to-right scan (no regular expression): the browser and the backend read minStep
 * and the scrape interval with this one parser.
 */

const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 604800,
  y: 31536000,
};

/** Longer texts are not durations anyone writes; refusing them keeps the scan short. */
const MAX_DURATION_TEXT = 64;

function isDigit(text: string, index: number): boolean {
  const c = text.charCodeAt(index);
  return c >= 48 && c <= 57;
}

/** The index after the digits that start at `index`. */
function skipDigits(text: string, index: number): number {
  while (index < text.length && isDigit(text, index)) {
    index++;
  }
  return index;
}

/** "15" or "1.5": a plain number of seconds. */
function plainSeconds(text: string): number | undefined {
  let end = skipDigits(text, 0);
  if (end === 0) {
    return undefined;
  }
  if (text[end] === '.') {
    const fractionEnd = skipDigits(text, end + 1);
    end = fractionEnd > end + 1 ? fractionEnd : -1;
  }
  return end === text.length ? Number(text) : undefined;
}

/** "1m30s": digits and a unit, repeated; "m" followed by "s" is milliseconds. */
function unitSeconds(text: string): number | undefined {
  let total = 0;
  let index = 0;
  while (index < text.length) {
    const end = skipDigits(text, index);
    if (end === index) {
      return undefined;
    }
    const unit = text.startsWith('ms', end) ? 'ms' : text[end];
    const seconds = UNIT_SECONDS[unit];
    if (seconds === undefined || !Object.prototype.hasOwnProperty.call(UNIT_SECONDS, unit)) {
      return undefined;
    }
    total += Number(text.slice(index, end)) * seconds;
    index = end + unit.length;
  }
  return total;
}

/** Seconds of a duration, or undefined when it is not one or is not positive. */
export function parseDurationSeconds(raw: unknown): number | undefined {
  if (typeof raw === 'number') {
    return Number.isFinite(raw) && raw > 0 ? raw : undefined;
  }
  if (typeof raw !== 'string' || raw.length > MAX_DURATION_TEXT) {
    return undefined;
  }
  const text = raw.trim();
  if (text === '') {
    return undefined;
  }
  const seconds = plainSeconds(text) ?? unitSeconds(text);
  return seconds !== undefined && Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}
