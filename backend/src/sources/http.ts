import * as http from 'node:http';
import * as https from 'node:https';
import { CancelledError, SourceError } from './sourceError';
import type { SourceSettings } from '../settings';
import type { QueryTimings } from '../query/timings';
import { LIMITS } from '../../../contract';
import { excerpt, trimTrailingSlashes } from '../text';
import { StringDecoder } from 'node:string_decoder';
import {
  becameGarbage,
  budgetSpentText,
  collectGarbageNow,
  mib,
  queryMemory,
  Reservation,
  type MemoryPool,
} from './memoryBudget';

/** The URL as it may appear in messages: credentials in it are removed. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return trimTrailingSlashes(parsed.toString());
  } catch {
    return '(invalid URL)';
  }
}

/**
 * One keep-alive agent per source of each data source instance (SourceSettings.instanceKey, which
 * covers the organisation, URL, credentials and TLS set-up): connections are reused across that
 * instance's queries, one tenant's queries never wait for another's sockets, and a CA or client
 * certificate of one data source never serves another.
 */
const agents = new Map<string, http.Agent>();
/** Past this many agents the least recently used idle one is closed (exported for tests). */
export const agentPool = { maxAgents: 256 };

const busy = (agent: http.Agent) => Object.keys(agent.sockets).length > 0 || Object.keys(agent.requests).length > 0;

/**
 * Closes least recently used agents with no request running until the pool is under its bound.
 * An agent with sockets in use stays, so no running request is cut; the pool may pass its bound
 * by as many agents as are busy, which the per-source queues bound.
 */
function evictIdleAgents(): void {
  for (const [key, agent] of agents) {
    if (agents.size < agentPool.maxAgents) {
      return;
    }
    if (!busy(agent)) {
      agent.destroy(); // only free keep-alive sockets are left to close
      agents.delete(key);
    }
  }
}

function agentFor(settings: SourceSettings): http.Agent {
  const key = settings.instanceKey;
  let agent = agents.get(key);
  if (agent) {
    agents.delete(key); // re-inserted last: the map's order is least recently used first
  } else {
    evictIdleAgents();
    const tls = settings.tls;
    const common = { keepAlive: true, maxSockets: 64, maxFreeSockets: 16, scheduling: 'lifo' as const };
    agent = settings.url.startsWith('https:')
      ? new https.Agent({
          ...common,
          ca: tls?.ca,
          cert: tls?.cert,
          key: tls?.key,
          rejectUnauthorized: !(tls?.skipVerify ?? false),
        })
      : new http.Agent(common);
  }
  agents.set(key, agent);
  return agent;
}

/** What Node's TLS and socket error codes mean to the person who configured the source. */
function transportHint(code: string | undefined): string {
  switch (code) {
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_SIGNATURE_FAILURE':
      return "its TLS certificate is not signed by a CA this data source trusts: add the server's CA certificate in the settings";
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return 'its TLS certificate is not for this host name: use the name the certificate was issued for';
    case 'CERT_HAS_EXPIRED':
      return 'its TLS certificate has expired';
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return 'the TLS handshake failed: check http:// versus https:// in the URL';
    default:
      // The server's TLS alert (OpenSSL names them ERR_SSL_<protocol>_ALERT_<reason>).
      if (code && /ALERT_(BAD_CERTIFICATE|CERTIFICATE_REQUIRED|UNKNOWN_CA|HANDSHAKE_FAILURE)$/.test(code)) {
        return 'it refused the TLS handshake: it wants a client certificate it trusts; check TLS client authentication in the settings';
      }
      return 'check that it runs and that the URL in the data source settings is right';
  }
}

/**
 * An answer's memory is estimated as it arrives: its bytes, once as read and once as the text
 * they are decoded to, plus its parsed form, which is the text's characters again and an object
 * or array slot per element (per comma). 48 bytes per element: a Prometheus matrix point
 * `[1700000000.000,"0.5"]` (two commas) parses to about 100 bytes of V8 heap, measured with
 * JSON.parse on Node 24.
 */
const COPIES_OF_THE_TEXT = 3;
const BYTES_PER_ELEMENT = 48;
const COMMA = 0x2c;

function commasIn(chunk: Buffer): number {
  let count = 0;
  for (let i = 0; i < chunk.length; i++) {
    if (chunk[i] === COMMA) {
      count++;
    }
  }
  return count;
}

/** The estimated memory of a parsed answer, held until its query's frames are encoded. */
const parsedBytes = (received: number, commas: number) => received + commas * BYTES_PER_ELEMENT;

export interface RequestInit {
  method?: 'GET' | 'POST';
  form?: URLSearchParams;
  body?: unknown;
  signal?: AbortSignal;
  /** The query this request serves: its upstream wait and parse time are added there. */
  timings?: QueryTimings;
}

/**
 * GETs or POSTs JSON from one upstream with its own timeout and response-size cap. The body is
 * read as a stream and the request is cut off as soon as it passes the cap, so one huge or
 * endless answer cannot take the process's memory. Every failure becomes a SourceError whose
 * message names the source and its URL, never a credential; a cancellation by Grafana becomes a
 * CancelledError, which is nobody's failure.
 */
export function requestJson(
  sourceName: string,
  settings: SourceSettings,
  path: string,
  init: RequestInit = {}
): Promise<{ status: number; json: unknown }> {
  const where = `${sourceName} at ${displayUrl(settings.url)}`;
  if (init.signal?.aborted) {
    return Promise.reject(new CancelledError());
  }
  // Uncompressed: the upstreams sit next to Grafana, and (de)compression cost more CPU on both
  // sides than the bytes it saves (measured with npm run bench:queries).
  const headers: Record<string, string> = {
    ...settings.headers,
    Accept: 'application/json',
    'Accept-Encoding': 'identity',
  };
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
  const url = new URL(`${settings.url}${path}`);
  const transport = url.protocol === 'https:' ? https : http;
  // A query's answers count against its reservation until its response is encoded (see the
  // QueryData handler); a health or resource call gets its own until its answer is parsed.
  const queryReservation = queryMemory.getStore();
  const reservation = queryReservation ?? new Reservation(settings.instanceKey);
  // The per-source cap may not pass the instance's memory budget: an admin's 1024 MiB cannot
  // take the memory of the other data sources.
  const maxBytes = Math.min(settings.maxResponseBytes, Math.floor(reservation.ceiling / COPIES_OF_THE_TEXT));
  const clamped = maxBytes < settings.maxResponseBytes;

  return new Promise((resolve, reject) => {
    const sentAt = performance.now();
    let settled = false;
    const finish = (error: Error | undefined, value?: { status: number; json: unknown }) => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      init.signal?.removeEventListener('abort', onAbort);
      if (error) {
        request.destroy();
        reject(error);
      } else {
        resolve(value!);
      }
    };
    const request = transport.request(
      url,
      { method: init.method ?? (body ? 'POST' : 'GET'), headers, agent: agentFor(settings) },
      (response) => {
        const status = response.statusCode ?? 0;
        const declared = Number(response.headers['content-length']);
        const over = () => tooLarge(sourceName, where, maxBytes, status, clamped ? settings.maxResponseBytes : 0);
        if (Number.isFinite(declared) && declared > maxBytes) {
          finish(over());
          return;
        }
        // Each chunk is decoded as it arrives and dropped: the bytes never wait for the whole
        // answer next to their text.
        const decoder = new StringDecoder('utf8');
        const pieces: string[] = [];
        let received = 0;
        let commas = 0;
        /** What this answer holds of the reservation: its estimated memory as read so far. */
        let charged = 0;
        const release = () => {
          reservation.give(charged);
          becameGarbage(charged);
          charged = 0;
          pieces.length = 0; // the text becomes garbage now, not when the request object does
        };
        response.on('data', (chunk: Buffer) => {
          if (settled) {
            return;
          }
          received += chunk.length;
          commas += commasIn(chunk);
          const estimate = COPIES_OF_THE_TEXT * received + commas * BYTES_PER_ELEMENT;
          const short = received > maxBytes ? undefined : reservation.take(estimate - charged);
          if (received > maxBytes || short) {
            release();
            response.destroy();
            finish(short ? budgetSpent(sourceName, where, estimate, short, status) : over());
            return;
          }
          charged = estimate;
          pieces.push(decoder.write(chunk));
        });
        response.on('close', () => {
          if (charged > 0 && settled) {
            release(); // cancelled or timed out while reading
          }
        });
        response.on('error', () =>
          finish(new SourceError(sourceName, 'unreachable', `${where} stopped answering while sending its response`))
        );
        response.on('end', () => {
          if (settled) {
            return;
          }
          pieces.push(decoder.end());
          const receivedAt = performance.now();
          try {
            const json = parsedAnswer(sourceName, where, status, pieces, received);
            // The text is garbage now; the parsed form stays the query's until its frames are
            // encoded.
            const kept = queryReservation ? Math.min(charged, parsedBytes(received, commas)) : 0;
            reservation.give(charged - kept);
            collectGarbageNow(charged - kept); // the chunks and the text, before frames are built
            charged = 0;
            finish(undefined, { status, json });
          } catch (error) {
            release();
            finish(error as Error);
          }
          if (init.timings) {
            init.timings.upstreamMs += receivedAt - sentAt;
            init.timings.parseMs += performance.now() - receivedAt;
          }
        });
      }
    );
    const onAbort = () => finish(new CancelledError());
    init.signal?.addEventListener('abort', onAbort, { once: true });
    const connection = trackConnection(request, url.protocol === 'https:');
    const timer = setTimeout(
      () => finish(timedOut(sourceName, where, settings.timeoutMs, connection.state)),
      settings.timeoutMs
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code;
      finish(
        new SourceError(
          sourceName,
          'unreachable',
          `${where} is unreachable${code ? ` (${code})` : ''}: ${transportHint(code)}`
        )
      );
    });
    request.end(body);
  });
}

/** Where a request stood when its time ran out. */
type ConnectionState = 'waiting for a socket' | 'connecting' | 'connected';

/**
 * Follows a request's connection: a new socket is connected once its TCP connection (plain HTTP)
 * or its TLS handshake (HTTPS) is done; a reused keep-alive socket already is.
 */
function trackConnection(request: http.ClientRequest, tls: boolean): { state: ConnectionState } {
  const connection: { state: ConnectionState } = { state: 'waiting for a socket' };
  request.once('socket', (socket) => {
    if (request.reusedSocket) {
      connection.state = 'connected';
      return;
    }
    connection.state = 'connecting';
    socket.once(tls ? 'secureConnect' : 'connect', () => (connection.state = 'connected'));
  });
  return connection;
}

/**
 * A request that ran out of time. A connection never made is a transport failure, which counts
 * against the source's breaker like a refused one; an answer that came late is a timeout, which
 * does not (see SourceError.upstreamFault). Waiting for one of the agent's sockets is neither.
 */
function timedOut(sourceName: string, where: string, timeoutMs: number, state: ConnectionState): SourceError {
  const seconds = timeoutMs / 1000;
  if (state === 'connecting') {
    return new SourceError(
      sourceName,
      'unreachable',
      `could not connect to ${where} within ${seconds} s: ${transportHint(undefined)}`
    );
  }
  return new SourceError(sourceName, 'timeout', `${where} did not answer within ${seconds} s`);
}

function tooLarge(sourceName: string, where: string, maxBytes: number, status: number, setting: number): SourceError {
  const why = setting
    ? `, the cap for this source (its "max response size" of ${mib(setting)} MiB is clamped to a third of the data source's memory budget): narrow the query (shorter range, lower limit)`
    : `, the cap for this source: narrow the query (shorter range, lower limit) or raise "max response size" in the data source settings`;
  return new SourceError(
    sourceName,
    'too_large',
    `${where} sent a response larger than ${mib(maxBytes)} MiB${why}`,
    status
  );
}

function budgetSpent(
  sourceName: string,
  where: string,
  estimate: number,
  pool: MemoryPool,
  status: number
): SourceError {
  return new SourceError(
    sourceName,
    'too_large',
    `${where} is sending an answer that needs about ${mib(estimate)} MiB of memory once parsed, and ${budgetSpentText(pool)}`,
    status
  );
}

/**
 * The answer parsed from its decoded pieces, which are emptied. Its own function so that no
 * caller's frame still holds the text when the collection after the parse runs.
 */
function parsedAnswer(sourceName: string, where: string, status: number, pieces: string[], received: number): unknown {
  return parseBody(sourceName, where, status, joined(pieces, received));
}

/**
 * The answer's text from its decoded pieces, which are emptied: joined, the pieces are garbage,
 * collected at once for a large answer so that they do not sit beside its parsed form.
 */
function joined(pieces: string[], received: number): string {
  const text = pieces.join('');
  pieces.length = 0;
  collectGarbageNow(received);
  return text;
}

function parseBody(sourceName: string, where: string, status: number, text: string): unknown {
  if (status === 401 || status === 403) {
    throw new SourceError(
      sourceName,
      'http',
      `${where} refused the credentials (HTTP ${status}): check the auth settings${upstreamReason(text)}`,
      status
    );
  }
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    const snippet = text.slice(0, 120).replace(/\s+/g, ' ');
    throw new SourceError(
      sourceName,
      'bad_response',
      `${where} answered HTTP ${status} with something that is not JSON: "${snippet}"`,
      status
    );
  }
}

/** A short reason from an upstream's error body (Elasticsearch's `error.reason`, Jaeger's `errors[0].msg`). */
function upstreamReason(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { reason?: unknown } | string; errors?: Array<{ msg?: unknown }> };
    const reason =
      typeof body.error === 'string'
        ? body.error
        : typeof body.error?.reason === 'string'
          ? body.error.reason
          : typeof body.errors?.[0]?.msg === 'string'
            ? body.errors[0].msg
            : undefined;
    return reason ? ` (${excerpt(reason, LIMITS.maxUpstreamTextLength)})` : '';
  } catch {
    return '';
  }
}
