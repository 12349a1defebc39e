import * as http from 'node:http';
import * as https from 'node:https';
import { CancelledError, SourceError } from './sourceError';
import type { SourceSettings } from '../settings';
import type { QueryTimings } from './timings';
import { LIMITS, SOURCE_LABELS, type SourceId } from '../../../contract';
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

/** The request's headers and body: the source's own headers and credentials, then the payload's. */
function outgoing(settings: SourceSettings, init: RequestInit): { headers: Record<string, string>; body?: string } {
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
  return { headers, body };
}

/** How much of an answer may be read, and whose memory it counts against. */
function answerCap(
  settings: SourceSettings
): Pick<BodyReading, 'maxBytes' | 'clampedFrom' | 'reservation' | 'keepParsed'> {
  // A query's answers count against its reservation until its response is encoded (see the
  // QueryData handler); a health or resource call gets its own until its answer is parsed.
  const queryReservation = queryMemory.getStore();
  const reservation = queryReservation ?? new Reservation(settings.instanceKey);
  // The per-source cap may not pass the instance's memory budget: an admin's 1024 MiB cannot
  // take the memory of the other data sources.
  const maxBytes = Math.min(settings.maxResponseBytes, Math.floor(reservation.ceiling / COPIES_OF_THE_TEXT));
  const clamped = maxBytes < settings.maxResponseBytes;
  return {
    maxBytes,
    clampedFrom: clamped ? settings.maxResponseBytes : 0,
    reservation,
    keepParsed: queryReservation !== undefined,
  };
}

/**
 * GETs or POSTs JSON from one upstream with its own timeout and response-size cap. The body is
 * read as a stream and the request is cut off as soon as it passes the cap, so one huge or
 * endless answer cannot take the process's memory. Every failure becomes a SourceError whose
 * message names the source and its URL, never a credential; a cancellation by Grafana becomes a
 * CancelledError, which is nobody's failure.
 */
export function requestJson(
  source: SourceId,
  settings: SourceSettings,
  path: string,
  init: RequestInit = {}
): Promise<{ status: number; json: unknown }> {
  const where = `${SOURCE_LABELS[source]} at ${displayUrl(settings.url)}`;
  if (init.signal?.aborted) {
    return Promise.reject(new CancelledError());
  }
  const { headers, body } = outgoing(settings, init);
  const url = new URL(`${settings.url}${path}`);
  const transport = url.protocol === 'https:' ? https : http;
  const cap = answerCap(settings);

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
      (response) =>
        readJsonBody(response, {
          source,
          where,
          ...cap,
          sentAt,
          timings: init.timings,
          settled: () => settled,
          finish,
        })
    );
    const onAbort = () => finish(new CancelledError());
    init.signal?.addEventListener('abort', onAbort, { once: true });
    const connection = trackConnection(request, url.protocol === 'https:');
    const timer = setTimeout(
      () => finish(timedOut(source, where, settings.timeoutMs, connection.state)),
      settings.timeoutMs
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code;
      finish(
        new SourceError(
          source,
          'unreachable',
          `${where} is unreachable${code ? ` (${code})` : ''}: ${transportHint(code)}`
        )
      );
    });
    request.end(body);
  });
}

/** What reading one answer's body needs of its request. */
interface BodyReading {
  source: SourceId;
  where: string;
  maxBytes: number;
  /** The configured cap when the memory budget clamped it, else 0 (for the too-large message). */
  clampedFrom: number;
  reservation: Reservation;
  /** A query's reservation keeps the parsed answer's share; a health or resource call's does not. */
  keepParsed: boolean;
  sentAt: number;
  timings?: QueryTimings;
  settled: () => boolean;
  finish: (error: Error | undefined, value?: { status: number; json: unknown }) => void;
}

/** An answer as it is read: its decoded pieces, and what it holds of the reservation. */
interface AnswerRead {
  decoder: StringDecoder;
  pieces: string[];
  received: number;
  commas: number;
  /** What this answer holds of the reservation: its estimated memory as read so far. */
  charged: number;
}

/** Reads a response's body as a stream under the cap and the memory budget, then parses it. */
function readJsonBody(response: http.IncomingMessage, reading: BodyReading): void {
  const status = response.statusCode ?? 0;
  const declared = Number(response.headers['content-length']);
  const over = () => tooLarge(reading.source, reading.where, reading.maxBytes, status, reading.clampedFrom);
  if (Number.isFinite(declared) && declared > reading.maxBytes) {
    reading.finish(over());
    return;
  }
  // Each chunk is decoded as it arrives and dropped: the bytes never wait for the whole
  // answer next to their text.
  const answer: AnswerRead = { decoder: new StringDecoder('utf8'), pieces: [], received: 0, commas: 0, charged: 0 };
  response.on('data', (chunk: Buffer) => takeChunk(response, reading, answer, chunk, status, over));
  response.on('close', () => {
    if (answer.charged > 0 && reading.settled()) {
      releaseAnswer(answer, reading.reservation); // cancelled or timed out while reading
    }
  });
  response.on('error', () =>
    reading.finish(
      new SourceError(reading.source, 'unreachable', `${reading.where} stopped answering while sending its response`)
    )
  );
  response.on('end', () => endAnswer(reading, answer, status));
}

/** Gives back what the answer holds of the reservation; its text becomes garbage now. */
function releaseAnswer(answer: AnswerRead, reservation: Reservation): void {
  reservation.give(answer.charged);
  becameGarbage(answer.charged);
  answer.charged = 0;
  answer.pieces.length = 0; // the text becomes garbage now, not when the request object does
}

/** Counts a chunk against the cap and the memory budget and decodes it; past either, the answer is cut off. */
function takeChunk(
  response: http.IncomingMessage,
  reading: BodyReading,
  answer: AnswerRead,
  chunk: Buffer,
  status: number,
  over: () => SourceError
): void {
  if (reading.settled()) {
    return;
  }
  answer.received += chunk.length;
  answer.commas += commasIn(chunk);
  const estimate = COPIES_OF_THE_TEXT * answer.received + answer.commas * BYTES_PER_ELEMENT;
  const short = answer.received > reading.maxBytes ? undefined : reading.reservation.take(estimate - answer.charged);
  if (answer.received > reading.maxBytes || short) {
    releaseAnswer(answer, reading.reservation);
    response.destroy();
    reading.finish(short ? budgetSpent(reading.source, reading.where, estimate, short, status) : over());
    return;
  }
  answer.charged = estimate;
  answer.pieces.push(answer.decoder.write(chunk));
}

/** Parses the whole answer, keeps the parsed form's share of a query's reservation, and times both. */
function endAnswer(reading: BodyReading, answer: AnswerRead, status: number): void {
  if (reading.settled()) {
    return;
  }
  answer.pieces.push(answer.decoder.end());
  const receivedAt = performance.now();
  try {
    const json = parsedAnswer(reading.source, reading.where, status, answer.pieces, answer.received);
    // The text is garbage now; the parsed form stays the query's until its frames are encoded.
    const kept = reading.keepParsed ? Math.min(answer.charged, parsedBytes(answer.received, answer.commas)) : 0;
    reading.reservation.give(answer.charged - kept);
    collectGarbageNow(answer.charged - kept); // the chunks and the text, before frames are built
    answer.charged = 0;
    reading.finish(undefined, { status, json });
  } catch (error) {
    releaseAnswer(answer, reading.reservation);
    reading.finish(error as Error);
  }
  if (reading.timings) {
    reading.timings.upstreamMs += receivedAt - reading.sentAt;
    reading.timings.parseMs += performance.now() - receivedAt;
  }
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
function timedOut(source: SourceId, where: string, timeoutMs: number, state: ConnectionState): SourceError {
  const seconds = timeoutMs / 1000;
  if (state === 'connecting') {
    return new SourceError(
      source,
      'unreachable',
      `could not connect to ${where} within ${seconds} s: ${transportHint(undefined)}`
    );
  }
  return new SourceError(source, 'timeout', `${where} did not answer within ${seconds} s`);
}

function tooLarge(source: SourceId, where: string, maxBytes: number, status: number, setting: number): SourceError {
  const why = setting
    ? `, the cap for this source (its "max response size" of ${mib(setting)} MiB is clamped to a third of the data source's memory budget): narrow the query (shorter range, lower limit)`
    : `, the cap for this source: narrow the query (shorter range, lower limit) or raise "max response size" in the data source settings`;
  return new SourceError(
    source,
    'too_large',
    `${where} sent a response larger than ${mib(maxBytes)} MiB${why}`,
    status
  );
}

function budgetSpent(source: SourceId, where: string, estimate: number, pool: MemoryPool, status: number): SourceError {
  return new SourceError(
    source,
    'too_large',
    `${where} is sending an answer that needs about ${mib(estimate)} MiB of memory once parsed, and ${budgetSpentText(pool)}`,
    status
  );
}

/**
 * The answer parsed from its decoded pieces, which are emptied. Its own function so that no
 * caller's frame still holds the text when the collection after the parse runs.
 */
function parsedAnswer(source: SourceId, where: string, status: number, pieces: string[], received: number): unknown {
  return parseBody(source, where, status, joined(pieces, received));
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

function parseBody(source: SourceId, where: string, status: number, text: string): unknown {
  if (status === 401 || status === 403) {
    throw new SourceError(
      source,
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
      source,
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
