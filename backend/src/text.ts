/**
 * Small text helpers for input the backend does not control (URLs, resource paths, upstream
 * messages). Plain loops instead of regular expressions such as /\/+$/, which V8 runs in time
 * quadratic in a run of slashes that does not end the text.
 */

const SLASH = 47;
const DOT = 46;

/** The text without the slashes at its end ("http://x//" → "http://x"). */
export function trimTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === SLASH) {
    end--;
  }
  return text.slice(0, end);
}

/** The text without the slashes at its start and end ("//a/b//" → "a/b"). */
export function trimSlashes(text: string): string {
  let start = 0;
  while (start < text.length && text.charCodeAt(start) === SLASH) {
    start++;
  }
  return trimTrailingSlashes(text.slice(start));
}

/**
 * Whether the text is only dots ("." , "..", "..."): as a URL path segment, WHATWG URL parsing
 * resolves "." and ".." (see the dot-segment rules of the URL standard), so such a value would
 * address another path instead of naming something.
 */
export function onlyDots(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== DOT) {
      return false;
    }
  }
  return text.length > 0;
}

/** Text from elsewhere, cut to `max` characters (with an ellipsis) before it is quoted in a message. */
export function excerpt(text: unknown, max: number): string {
  const value = typeof text === 'string' ? text : String(text);
  return value.length <= max ? value : `${value.slice(0, max)}…`;
}
