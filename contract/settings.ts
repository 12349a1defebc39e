/**
 * The data source settings: plain values in jsonData, secrets in secureJsonData (write-only from
 * the browser, decrypted only for the backend). Every key the backend reads is here and has a
 * field in the config editor.
 */

import { parseDurationSeconds } from './duration';

export const SOURCE_IDS = ['prometheus', 'elasticsearch', 'jaeger'] as const;
export type SourceId = (typeof SOURCE_IDS)[number];

/** Custom HTTP headers per source: names in jsonData, values (which may be credentials) secure. */
export const MAX_CUSTOM_HEADERS = 8;

type PerSourceJson = {
  [K in SourceId as `${K}Url`]?: string;
} & {
  [K in SourceId as `${K}BasicAuthUser`]?: string;
} & {
  /** Per-source request timeout, seconds (overrides timeoutSeconds). */
  [K in SourceId as `${K}TimeoutSeconds`]?: number;
} & {
  /** Largest upstream response body this source may send, MiB. */
  [K in SourceId as `${K}MaxResponseMiB`]?: number;
} & {
  /** Verify the server certificate against this CA (its PEM is a secure field). */
  [K in SourceId as `${K}TlsWithCaCert`]?: boolean;
} & {
  /** Present a client certificate (cert and key are secure fields). */
  [K in SourceId as `${K}TlsClientAuth`]?: boolean;
} & {
  /** Accept any server certificate: for tests only, warned about in the editor and in CheckHealth. */
  [K in SourceId as `${K}TlsSkipVerify`]?: boolean;
} & {
  [K in SourceId as `${K}HttpHeaderNames`]?: string[];
};

export type AgentMemoryJsonData = PerSourceJson & {
  /** Index pattern of the AI events, default ai-events-*. */
  elasticsearchIndex?: string;
  /** Jaeger service of the memory spans, for the correlated view. */
  jaegerService?: string;
  /** Request timeout of every source, seconds; default 30. */
  timeoutSeconds?: number;
  /**
   * How often Prometheus scrapes the metrics, e.g. "15s" (the key Grafana's Prometheus data source
   * uses for its "Scrape interval"): the floor of a metrics query's step and the base of
   * $__rate_interval. Default 15s.
   */
  timeInterval?: string;
  /**
   * Extra parameters of every request to Prometheus, as a URL query string, e.g.
   * `dedup=true&partial_response=true` for Thanos (the key and the format of Grafana's Prometheus
   * data source). Parsed and bounded by parseCustomQueryParameters.
   */
  customQueryParameters?: string;
};

export type AgentMemorySecureJsonData = {
  [K in SourceId as `${K}BasicAuthPassword`]?: string;
} & {
  [K in SourceId as `${K}TlsCaCert`]?: string;
} & {
  [K in SourceId as `${K}TlsClientCert`]?: string;
} & {
  [K in SourceId as `${K}TlsClientKey`]?: string;
} & {
  prometheusBearerToken?: string;
  elasticsearchApiKey?: string;
  jaegerBearerToken?: string;
} & {
  /** Value of the custom header at the same position in `<source>HttpHeaderNames`. */
  [key: `${SourceId}HttpHeaderValue${number}`]: string | undefined;
};

/** The secure key of each source's token-like credential, and how it is sent. */
export const TOKEN_KEYS: Record<SourceId, { key: keyof AgentMemorySecureJsonData; scheme: 'Bearer' | 'ApiKey' }> = {
  prometheus: { key: 'prometheusBearerToken', scheme: 'Bearer' },
  elasticsearch: { key: 'elasticsearchApiKey', scheme: 'ApiKey' },
  jaeger: { key: 'jaegerBearerToken', scheme: 'Bearer' },
};

export const SOURCE_LABELS: Record<SourceId, string> = {
  prometheus: 'Prometheus',
  elasticsearch: 'Elasticsearch',
  jaeger: 'Jaeger',
};

export const DEFAULTS = {
  timeoutSeconds: 30,
  maxTimeoutSeconds: 300,
  elasticsearchIndex: 'ai-events-*',
  /** Per-source response cap: a Jaeger search of 500 large traces stays well under it. */
  maxResponseMiB: 64,
  maxResponseMiBLimit: 1024,
  /** Concurrent upstream calls per source and data source instance; more wait their turn. */
  maxConcurrentCallsPerSource: 16,
  /** Prometheus' scrape interval when timeInterval is unset, as in Grafana's Prometheus data source. */
  scrapeInterval: '15s',
  minScrapeIntervalSeconds: 1,
  maxScrapeIntervalSeconds: 3600,
  /** Bounds of the Prometheus custom query parameters setting. */
  maxCustomQueryLength: 1024,
  maxCustomQueryParameters: 16,
} as const;

/** Parameters the data source sets itself on a Prometheus request: a custom one may not replace them. */
export const RESERVED_QUERY_PARAMETERS = ['query', 'start', 'end', 'step', 'time', 'match[]', 'limit'] as const;

/** One name or value of a query string, decoded, or undefined when its %-escapes are broken. */
function decodeQueryPart(part: string): string | undefined {
  try {
    return decodeURIComponent(part.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}

/**
 * The custom query parameters setting as name/value pairs, or why it cannot be used (the config
 * editor shows the same text). Split by hand, linearly: `a=1&b=2`, `+` a space, %-escapes decoded.
 */
export function parseCustomQueryParameters(raw: unknown): { params: Array<[string, string]> } | { error: string } {
  if (raw === undefined || raw === null || raw === '') {
    return { params: [] };
  }
  if (typeof raw !== 'string') {
    return { error: 'Custom query parameters must be text such as dedup=true&partial_response=true' };
  }
  if (raw.length > DEFAULTS.maxCustomQueryLength) {
    return {
      error: `Custom query parameters are ${raw.length} characters long; at most ${DEFAULTS.maxCustomQueryLength} are allowed`,
    };
  }
  const parts = (raw.startsWith('?') ? raw.slice(1) : raw).split('&').filter((part) => part !== '');
  if (parts.length > DEFAULTS.maxCustomQueryParameters) {
    return {
      error: `Custom query parameters name ${parts.length} parameters; at most ${DEFAULTS.maxCustomQueryParameters} are allowed`,
    };
  }
  const params: Array<[string, string]> = [];
  for (const part of parts) {
    const equals = part.indexOf('=');
    const name = decodeQueryPart(equals < 0 ? part : part.slice(0, equals));
    const value = decodeQueryPart(equals < 0 ? '' : part.slice(equals + 1));
    const shown = `"${part.slice(0, 40)}"`;
    if (name === undefined || value === undefined) {
      return { error: `Custom query parameter ${shown} has a broken %-escape: write e.g. max_source_resolution=5m` };
    }
    if (name.trim() === '') {
      return { error: `Custom query parameter ${shown} has no name: write name=value pairs joined by &` };
    }
    if ((RESERVED_QUERY_PARAMETERS as readonly string[]).includes(name)) {
      return { error: `Custom query parameter "${name}" is set by the data source itself for each request: remove it` };
    }
    params.push([name, value]);
  }
  return { params };
}

/** The scrape interval setting in seconds, or why it is not one (the config editor shows the same text). */
export function parseScrapeInterval(raw: unknown): { seconds: number } | { error: string } {
  const text = raw === undefined || raw === null || raw === '' ? DEFAULTS.scrapeInterval : raw;
  // A string, as in Grafana's Prometheus data source; plain seconds ("60") are read as such.
  const seconds = typeof text === 'string' ? parseDurationSeconds(text) : undefined;
  const shown = typeof text === 'string' ? `"${text.slice(0, 40)}"` : 'the value';
  if (seconds === undefined) {
    return { error: `Scrape interval ${shown} is not a Prometheus duration such as 15s, 1m or 1m30s` };
  }
  if (seconds < DEFAULTS.minScrapeIntervalSeconds || seconds > DEFAULTS.maxScrapeIntervalSeconds) {
    return {
      error: `Scrape interval ${shown} must be between ${DEFAULTS.minScrapeIntervalSeconds}s and ${DEFAULTS.maxScrapeIntervalSeconds / 3600}h`,
    };
  }
  return { seconds };
}

export function headerValueKey(source: SourceId, index: number): `${SourceId}HttpHeaderValue${number}` {
  return `${source}HttpHeaderValue${index}`;
}

/** The per-source jsonData and secureJsonData keys, by the part after the source id. */
export type SourceJsonField =
  | 'Url'
  | 'BasicAuthUser'
  | 'TimeoutSeconds'
  | 'MaxResponseMiB'
  | 'TlsWithCaCert'
  | 'TlsClientAuth'
  | 'TlsSkipVerify'
  | 'HttpHeaderNames';
export type SourceSecureField = 'BasicAuthPassword' | 'TlsCaCert' | 'TlsClientCert' | 'TlsClientKey';

/** The key of one source's setting, typed: a key the settings do not have fails to compile. */
export function sourceKey<F extends SourceJsonField | SourceSecureField>(
  source: SourceId,
  field: F
): `${SourceId}${F}` {
  return `${source}${field}`;
}
