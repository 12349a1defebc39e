/**
 * Text of values the host hands us, without ever throwing. `String(value)` throws for
 * `Object.create(null)`, for a throwing `toString` or `Symbol.toPrimitive`, and for Proxies whose
 * traps throw; reading `error.message` can throw too. The SDK must not turn such a value into an
 * exception in the host, so every conversion of a host value goes through these.
 */
export function safeString(value: unknown, fallback = 'unprintable'): string {
  try {
    const text: unknown = String(value);
    return typeof text === 'string' ? text : fallback;
  } catch {
    return fallback;
  }
}

/** The message of anything thrown, or its text, or a placeholder; never throws. */
export function errorMessage(error: unknown): string {
  try {
    const message: unknown = (error as { message?: unknown } | null | undefined)?.message;
    if (typeof message === 'string') {
      return message;
    }
  } catch {
    // a getter or Proxy trap threw: fall back to the value's text
  }
  return safeString(error, 'unprintable error');
}
