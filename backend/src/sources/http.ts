import { SourceError } from './sourceError';
import type { SourceSettings } from '../settings';

/** The URL as it may appear in messages: credentials in it are removed. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/+$/, '');
  } catch {
    return '(invalid URL)';
  }
}

function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code;
}

/**
 * GETs or POSTs JSON from one upstream with its own timeout. Every failure becomes a SourceError
 * whose message names the source and its URL, never a credential.
 */
export async function requestJson(
  sourceName: string,
  settings: SourceSettings,
  path: string,
  init: { method?: 'GET' | 'POST'; form?: URLSearchParams; body?: unknown; signal?: AbortSignal } = {}
): Promise<{ status: number; json: unknown }> {
  const url = `${settings.url}${path}`;
  const where = `${sourceName} at ${displayUrl(settings.url)}`;
  // Uncompressed: the upstreams sit next to Grafana, and (de)compression cost more CPU on both
  // sides than the bytes it saves (measured with npm run bench:queries).
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Encoding': 'identity' };
  if (settings.authorization) {
    headers.Authorization = settings.authorization;
  }
  let body: string | undefined;
  if (init.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = init.form.toString();
  } else if (init.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(init.body);
  }
  const timeout = AbortSignal.timeout(settings.timeoutMs);
  const signal = init.signal ? AbortSignal.any([timeout, init.signal]) : timeout;
  let response: Response;
  try {
    response = await fetch(url, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, signal });
  } catch (error) {
    if (timeout.aborted) {
      throw new SourceError(sourceName, 'timeout', `${where} did not answer within ${settings.timeoutMs / 1000} s`);
    }
    const code = causeCode(error);
    throw new SourceError(
      sourceName,
      'unreachable',
      `${where} is unreachable${code ? ` (${code})` : ''}: check that it runs and that the URL in the data source settings is right`
    );
  }
  let text: string;
  try {
    text = await response.text();
  } catch {
    throw new SourceError(sourceName, 'timeout', `${where} stopped answering while sending its response`);
  }
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    if (response.status === 401 || response.status === 403) {
      throw new SourceError(
        sourceName,
        'http',
        `${where} refused the credentials (HTTP ${response.status}): check the auth settings`,
        response.status
      );
    }
    const snippet = text.slice(0, 120).replace(/\s+/g, ' ');
    throw new SourceError(
      sourceName,
      'bad_response',
      `${where} answered HTTP ${response.status} with something that is not JSON: "${snippet}"`,
      response.status
    );
  }
  return { status: response.status, json };
}
