/**
 * The data source settings as Grafana sends them in every request's PluginContext: `jsonData`
 * (plain) and `decryptedSecureJsonData` (secrets). Keys come from contract/settings.ts. Secrets
 * stay in this object and are never logged or echoed in errors.
 */
import {
  DEFAULTS,
  MAX_CUSTOM_HEADERS,
  SOURCE_LABELS,
  TOKEN_KEYS,
  headerValueKey,
  parseCustomQueryParameters,
  parseScrapeInterval,
  sourceKey,
  type AgentMemoryJsonData,
  type AgentMemorySecureJsonData,
  type SourceId,
} from '../../contract';
import { createHmac, randomBytes } from 'node:crypto';
import { trimTrailingSlashes } from './text';
import { indexPatternProblem } from './sources/elasticsearchDsl';

export interface InstanceSettingsMessage {
  uid?: string;
  name?: string;
  url?: string;
  jsonData?: Buffer | Uint8Array;
  decryptedSecureJsonData?: Record<string, string>;
  lastUpdatedMS?: string | number;
  /** Not in Grafana's message: copied from the PluginContext by instanceSettingsOf. */
  orgId?: string;
}

/**
 * The instance settings with the organisation they belong to. Data source uids are unique only per
 * organisation, so the uid alone does not name an instance.
 * Grafana: DS-UID-PER-ORG, PLUGIN-CONTEXT (docs/grafana-behaviour.md)
 */
export function instanceSettingsOf(
  context:
    | {
        orgId?: string | number;
        dataSourceInstanceSettings?: InstanceSettingsMessage;
      }
    | undefined
): InstanceSettingsMessage | undefined {
  const instance = context?.dataSourceInstanceSettings;
  return instance ? { ...instance, orgId: String(context?.orgId ?? '') } : undefined;
}

export interface TlsSettings {
  /** PEM of the CA that signs the server's certificate. */
  ca?: string;
  /** PEM client certificate and key. */
  cert?: string;
  key?: string;
  skipVerify: boolean;
}

export interface SourceSettings {
  url: string;
  timeoutMs: number;
  maxResponseBytes: number;
  /** Authorization header value built from secure fields; never logged. */
  authorization?: string;
  /** Custom headers; values may be credentials and are never logged. */
  headers: Record<string, string>;
  tls?: TlsSettings;
  /**
   * Who this source belongs to and how it is reached: a keyed hash of the organisation, the data
   * source uid, this source's URL, credentials, headers and TLS set-up. Breakers, queues and
   * connection pools are per key, so two organisations with the same uid never share them, and a
   * changed URL or password starts afresh. Opaque (never the host or a secret), so it may be a label.
   */
  instanceKey: string;
}

export interface ElasticsearchSettings extends SourceSettings {
  /** Index pattern of the AI events, default `ai-events-*`. */
  index: string;
}

export interface PrometheusSettings extends SourceSettings {
  /** The custom query parameters setting, encoded, appended to every request's URL ('' when unset). */
  customQuery: string;
}

export interface DataSourceSettings {
  uid: string;
  name: string;
  prometheus?: PrometheusSettings;
  elasticsearch?: ElasticsearchSettings;
  jaeger?: SourceSettings;
  /** Jaeger service of the memory spans, for the correlated view. */
  jaegerService?: string;
  /** Prometheus' scrape interval (jsonData.timeInterval, default 15 s): step floor and $__rate_interval base. */
  scrapeIntervalSec: number;
}

export class SettingsError extends Error {}

/**
 * jsonData as it arrives: any JSON under the contract's keys (contract/settings.ts), so reading a
 * key the settings do not have fails to compile; each value is checked where it is read.
 */
type JsonSettings = { readonly [K in keyof AgentMemoryJsonData]?: unknown };
/** decryptedSecureJsonData under the contract's keys. */
type SecureSettings = { readonly [K in keyof AgentMemorySecureJsonData]?: string };

function parseJsonData(raw: Buffer | Uint8Array | undefined): JsonSettings {
  if (!raw || raw.length === 0) {
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw).toString('utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as JsonSettings) : {};
  } catch {
    throw new SettingsError('the data source settings (jsonData) are not valid JSON: save the data source again');
  }
}

/** A URL with credentials in it is refused: they belong in the encrypted fields, and never in a message. */
function normaliseUrl(raw: unknown, what: string): string | undefined {
  if (typeof raw !== 'string' || raw.trim() === '') {
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    const shown = raw.includes('@') ? '(not shown: it contains "@")' : `"${raw.slice(0, 200)}"`;
    throw new SettingsError(`${what} URL ${shown} is not a valid URL: use e.g. http://localhost:9090`);
  }
  if (url.username || url.password) {
    throw new SettingsError(
      `${what} URL contains a user name or password: remove it from the URL and use the basic auth fields, which are stored encrypted`
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SettingsError(`${what} URL "${url.toString()}" must start with http:// or https://`);
  }
  return trimTrailingSlashes(url.toString());
}

function positiveNumber(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

function authorization(source: SourceId, json: JsonSettings, secure: SecureSettings) {
  const token = secure[TOKEN_KEYS[source].key];
  if (token) {
    return `${TOKEN_KEYS[source].scheme} ${token}`;
  }
  const user = json[sourceKey(source, 'BasicAuthUser')];
  const password = secure[sourceKey(source, 'BasicAuthPassword')];
  if (typeof user === 'string' && user !== '' && password !== undefined) {
    return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }
  return undefined;
}

// RFC 7230 token characters; a header name outside them would be refused by Node at request time.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const RESERVED_HEADERS = new Set(['host', 'content-length', 'content-type', 'transfer-encoding', 'connection']);

function customHeaders(source: SourceId, json: JsonSettings, secure: SecureSettings) {
  const names = json[sourceKey(source, 'HttpHeaderNames')];
  const headers: Record<string, string> = {};
  if (!Array.isArray(names)) {
    return headers;
  }
  names.slice(0, MAX_CUSTOM_HEADERS).forEach((name, index) => {
    if (typeof name !== 'string' || name === '') {
      return;
    }
    if (!HEADER_NAME.test(name) || RESERVED_HEADERS.has(name.toLowerCase())) {
      throw new SettingsError(
        `${SOURCE_LABELS[source]} custom header "${name.slice(0, 60)}" is not a header name this data source may set`
      );
    }
    const value = secure[headerValueKey(source, index)] ?? '';
    if (/[\r\n]/.test(value)) {
      throw new SettingsError(`${SOURCE_LABELS[source]} custom header ${name} has a line break in its value`);
    }
    headers[name] = value;
  });
  return headers;
}

function tlsSettings(source: SourceId, json: JsonSettings, secure: SecureSettings) {
  const skipVerify = json[sourceKey(source, 'TlsSkipVerify')] === true;
  const ca = json[sourceKey(source, 'TlsWithCaCert')] === true ? secure[sourceKey(source, 'TlsCaCert')] : undefined;
  const clientAuth = json[sourceKey(source, 'TlsClientAuth')] === true;
  const cert = clientAuth ? secure[sourceKey(source, 'TlsClientCert')] : undefined;
  const key = clientAuth ? secure[sourceKey(source, 'TlsClientKey')] : undefined;
  if (json[sourceKey(source, 'TlsWithCaCert')] === true && !ca) {
    throw new SettingsError(`${SOURCE_LABELS[source]}: "with CA certificate" is on but no CA certificate is saved`);
  }
  if (clientAuth && (!cert || !key)) {
    throw new SettingsError(
      `${SOURCE_LABELS[source]}: client authentication is on but the client certificate or key is missing`
    );
  }
  if (!skipVerify && !ca && !cert) {
    return undefined;
  }
  return { skipVerify, ca, cert, key };
}

/** Per process and never shown: an instance key says nothing about the host or secrets it hashes. */
const INSTANCE_KEY_SECRET = randomBytes(32);

/** The instance key of one source (see SourceSettings.instanceKey). */
export function instanceKeyOf(
  owner: string,
  source: SourceId,
  reach: Omit<SourceSettings, 'instanceKey' | 'timeoutMs' | 'maxResponseBytes'>
): string {
  const identity = JSON.stringify([
    owner,
    source,
    reach.url,
    reach.authorization ?? '',
    reach.headers,
    reach.tls ?? {},
  ]);
  return createHmac('sha256', INSTANCE_KEY_SECRET).update(identity).digest('hex').slice(0, 16);
}

function sourceSettings(
  source: SourceId,
  url: string,
  json: JsonSettings,
  secure: SecureSettings,
  owner: string
): SourceSettings {
  const timeoutSeconds =
    positiveNumber(json[sourceKey(source, 'TimeoutSeconds')]) ?? positiveNumber(json.timeoutSeconds);
  const maxMiB = positiveNumber(json[sourceKey(source, 'MaxResponseMiB')]) ?? DEFAULTS.maxResponseMiB;
  const reach = {
    url,
    authorization: authorization(source, json, secure),
    headers: customHeaders(source, json, secure),
    tls: tlsSettings(source, json, secure),
  };
  return {
    ...reach,
    instanceKey: instanceKeyOf(owner, source, reach),
    timeoutMs: Math.min(timeoutSeconds ?? DEFAULTS.timeoutSeconds, DEFAULTS.maxTimeoutSeconds) * 1000,
    maxResponseBytes: Math.round(Math.min(maxMiB, DEFAULTS.maxResponseMiBLimit) * 1024 * 1024),
  };
}

/**
 * Grafana sends the instance settings with every request; they change only when an admin saves
 * the data source. Parsed settings (or the error) are kept per exact message content, so a
 * request pays one key instead of JSON, URL and TLS parsing (CheckHealth still parses afresh).
 */
const parsedSettings = new Map<string, DataSourceSettings | SettingsError>();
const MAX_PARSED_SETTINGS = 64;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    Object.values(value).forEach(deepFreeze);
  }
  return value;
}

/** What identifies one instance's settings exactly: equal keys parse to equal settings. */
export function settingsKey(message: InstanceSettingsMessage | undefined): string {
  if (!message) {
    return '';
  }
  const bytes = message.jsonData;
  const json = bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1') : '';
  return JSON.stringify([message.orgId, message.uid, message.name, json, message.decryptedSecureJsonData ?? {}]);
}

export function parseSettings(message: InstanceSettingsMessage | undefined): DataSourceSettings {
  const key = settingsKey(message);
  let parsed = parsedSettings.get(key);
  if (!parsed) {
    try {
      // Shared by every request of the instance from now on: frozen, so none can change it.
      parsed = deepFreeze(parseSettingsAfresh(message));
    } catch (error) {
      if (!(error instanceof SettingsError)) {
        throw error;
      }
      parsed = error;
    }
    if (parsedSettings.size >= MAX_PARSED_SETTINGS) {
      parsedSettings.delete(parsedSettings.keys().next().value!);
    }
    parsedSettings.set(key, parsed);
  }
  if (parsed instanceof SettingsError) {
    throw parsed;
  }
  return parsed;
}

/** Reads the settings (the instance's generic `url` is not used: each source has its own URL field). */
export function parseSettingsAfresh(message: InstanceSettingsMessage | undefined): DataSourceSettings {
  const json = parseJsonData(message?.jsonData);
  const secure: SecureSettings = message?.decryptedSecureJsonData ?? {};
  // Grafana: DS-UID-PER-ORG (docs/grafana-behaviour.md): the uid names an instance within its organisation.
  const owner = `${message?.orgId ?? ''}/${message?.uid ?? ''}`;
  const promUrl = normaliseUrl(json.prometheusUrl, SOURCE_LABELS.prometheus);
  const esUrl = normaliseUrl(json.elasticsearchUrl, SOURCE_LABELS.elasticsearch);
  const jaegerUrl = normaliseUrl(json.jaegerUrl, SOURCE_LABELS.jaeger);
  const index =
    typeof json.elasticsearchIndex === 'string' && json.elasticsearchIndex !== ''
      ? json.elasticsearchIndex
      : DEFAULTS.elasticsearchIndex;
  const indexProblem = indexPatternProblem(index);
  if (indexProblem) {
    throw new SettingsError(indexProblem);
  }
  const scrape = parseScrapeInterval(json.timeInterval);
  if ('error' in scrape) {
    throw new SettingsError(scrape.error);
  }
  const custom = parseCustomQueryParameters(json.customQueryParameters);
  if ('error' in custom) {
    throw new SettingsError(custom.error);
  }
  const customQuery = new URLSearchParams(custom.params).toString();
  return {
    uid: message?.uid ?? '',
    scrapeIntervalSec: scrape.seconds,
    name: message?.name ?? '',
    prometheus: promUrl ? { ...sourceSettings('prometheus', promUrl, json, secure, owner), customQuery } : undefined,
    elasticsearch: esUrl ? { ...sourceSettings('elasticsearch', esUrl, json, secure, owner), index } : undefined,
    jaegerService: typeof json.jaegerService === 'string' && json.jaegerService !== '' ? json.jaegerService : undefined,
    jaeger: jaegerUrl ? sourceSettings('jaeger', jaegerUrl, json, secure, owner) : undefined,
  };
}
