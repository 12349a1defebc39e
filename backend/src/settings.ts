/**
 * The data source settings as Grafana sends them in every request's PluginContext: `jsonData`
 * (plain) and `decryptedSecureJsonData` (secrets). Secrets stay in this object and are never
 * logged or echoed in errors.
 */
export interface InstanceSettingsMessage {
  uid?: string;
  name?: string;
  url?: string;
  jsonData?: Buffer | Uint8Array;
  decryptedSecureJsonData?: Record<string, string>;
  lastUpdatedMS?: string | number;
}

export interface SourceSettings {
  url: string;
  timeoutMs: number;
  /** Authorization header value built from secure fields; never logged. */
  authorization?: string;
}

export interface ElasticsearchSettings extends SourceSettings {
  /** Index pattern of the AI events, default `ai-events-*`. */
  index: string;
}

export interface DataSourceSettings {
  uid: string;
  name: string;
  prometheus?: SourceSettings;
  elasticsearch?: ElasticsearchSettings;
  jaeger?: SourceSettings;
  /** Jaeger service of the memory spans, for the correlated view. */
  jaegerService?: string;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export class SettingsError extends Error {}

function parseJsonData(raw: Buffer | Uint8Array | undefined): Record<string, unknown> {
  if (!raw || raw.length === 0) {
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw).toString('utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    throw new SettingsError('the data source settings (jsonData) are not valid JSON: save the data source again');
  }
}

function normaliseUrl(raw: unknown, what: string): string | undefined {
  if (typeof raw !== 'string' || raw.trim() === '') {
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new SettingsError(`${what} URL "${raw}" is not a valid URL: use e.g. http://localhost:9090`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SettingsError(`${what} URL "${raw}" must start with http:// or https://`);
  }
  return url.toString().replace(/\/+$/, '');
}

function timeoutFrom(value: unknown): number {
  const seconds = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 300) * 1000 : DEFAULT_TIMEOUT_MS;
}

function authorization(
  secure: Record<string, string>,
  userKey: string | undefined,
  passwordKey: string,
  tokenKey: string,
  apiKeyKey?: string
): string | undefined {
  const apiKey = apiKeyKey ? secure[apiKeyKey] : undefined;
  if (apiKey) {
    return `ApiKey ${apiKey}`;
  }
  const token = secure[tokenKey];
  if (token) {
    return `Bearer ${token}`;
  }
  const password = secure[passwordKey];
  if (userKey && password !== undefined) {
    return `Basic ${Buffer.from(`${userKey}:${password}`).toString('base64')}`;
  }
  return undefined;
}

/** Reads the settings; the instance `url` serves as the Prometheus URL when `prometheusUrl` is empty. */
export function parseSettings(message: InstanceSettingsMessage | undefined): DataSourceSettings {
  const json = parseJsonData(message?.jsonData);
  const secure = message?.decryptedSecureJsonData ?? {};
  const promUrl = normaliseUrl(json.prometheusUrl, 'Prometheus') ?? normaliseUrl(message?.url, 'Prometheus');
  const text = (key: string) => (typeof json[key] === 'string' && json[key] !== '' ? (json[key] as string) : undefined);
  const esUrl = normaliseUrl(json.elasticsearchUrl, 'Elasticsearch');
  const jaegerUrl = normaliseUrl(json.jaegerUrl, 'Jaeger');
  const index = text('elasticsearchIndex') ?? 'ai-events-*';
  if (!/^[^\s"*\\<|,>/?#][^\s"\\<|>/?#]*$/.test(index)) {
    throw new SettingsError(
      `Elasticsearch index pattern "${index}" is not valid: use e.g. ai-events-* (no spaces, quotes or slashes)`
    );
  }
  return {
    uid: message?.uid ?? '',
    name: message?.name ?? '',
    prometheus: promUrl
      ? {
          url: promUrl,
          timeoutMs: timeoutFrom(json.prometheusTimeoutSeconds ?? json.timeoutSeconds),
          authorization: authorization(
            secure,
            text('prometheusBasicAuthUser'),
            'prometheusBasicAuthPassword',
            'prometheusBearerToken'
          ),
        }
      : undefined,
    elasticsearch: esUrl
      ? {
          url: esUrl,
          index,
          timeoutMs: timeoutFrom(json.elasticsearchTimeoutSeconds ?? json.timeoutSeconds),
          authorization: authorization(
            secure,
            text('elasticsearchBasicAuthUser'),
            'elasticsearchBasicAuthPassword',
            'elasticsearchBearerToken',
            'elasticsearchApiKey'
          ),
        }
      : undefined,
    jaegerService: text('jaegerService'),
    jaeger: jaegerUrl
      ? {
          url: jaegerUrl,
          timeoutMs: timeoutFrom(json.jaegerTimeoutSeconds ?? json.timeoutSeconds),
          authorization: authorization(
            secure,
            text('jaegerBasicAuthUser'),
            'jaegerBasicAuthPassword',
            'jaegerBearerToken'
          ),
        }
      : undefined,
  };
}
