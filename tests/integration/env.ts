/** Where the local stack listens (scripts/stack.sh env); a missing variable is a set-up error. */
export function stackUrl(
  name:
    | 'PROMETHEUS_URL'
    | 'ALERTMANAGER_URL'
    | 'ES_URL'
    | 'ES8_URL'
    | 'NEO4J_URL'
    | 'JAEGER_URL'
    | 'JAEGER_OTLP_HTTP_URL'
    | 'DEMO_URL'
    | 'REDIS_URL'
    | 'POSTGRES_URL'
): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run the tests through npm test, or eval "$(scripts/stack.sh env)" after scripts/stack.sh up`
    );
  }
  return value;
}

export async function getJson<T = any>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${init?.method ?? 'GET'} ${url} answered ${response.status}: ${text.slice(0, 300)}`);
  }
  return JSON.parse(text) as T;
}

/** Polls until `check` returns a value, for data that a server indexes asynchronously. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  what = 'condition'
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) {
        return value;
      }
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
}
