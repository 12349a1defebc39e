import { requestJson } from './http';
import type { QueryTimings } from './timings';
import { SourceError } from './sourceError';
import type { PrometheusSettings } from '../settings';
import { LIMITS, type MetricMetadataEntry, type SourceId } from '../../../contract';
import { excerpt } from '../text';

/** Text Prometheus sent, as it may be quoted in a message. */
const quoted = (text: unknown) => excerpt(text, LIMITS.maxUpstreamTextLength);

export const PROMETHEUS = 'prometheus' satisfies SourceId;

/** One series of a Prometheus matrix or vector result, values as [epoch seconds, "value"]. */
export interface PromSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

export interface PromResult {
  resultType: 'matrix' | 'vector' | 'scalar' | 'string';
  series: PromSeries[];
  warnings: string[];
  /** The back end said some of its storage did not answer (VictoriaMetrics cluster's `isPartial`). */
  partial: boolean;
}

interface PromEnvelope {
  status?: string;
  data?: { resultType?: string; result?: unknown };
  errorType?: string;
  error?: string;
  warnings?: string[];
  isPartial?: boolean;
}

function shapeError(what: string): SourceError {
  return new SourceError(
    PROMETHEUS,
    'bad_response',
    `Prometheus answered a query result of an unexpected shape: ${what}`
  );
}

function labelsOf(raw: unknown): Record<string, string> {
  if (raw === undefined) {
    return {};
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw shapeError('a series has no label object');
  }
  for (const value of Object.values(raw)) {
    if (typeof value !== 'string') {
      throw shapeError('a label value is not a string');
    }
  }
  return raw as Record<string, string>;
}

function sampleOf(raw: unknown): [number, string] {
  if (!Array.isArray(raw) || raw.length !== 2 || typeof raw[0] !== 'number' || typeof raw[1] !== 'string') {
    throw shapeError('a sample is not [time, "value"]');
  }
  return raw as [number, string];
}

function toSeries(resultType: string, result: unknown): PromSeries[] {
  if (!Array.isArray(result)) {
    throw shapeError(`the ${resultType} result is not a list`);
  }
  if (resultType === 'matrix') {
    return result.map((s: { metric?: unknown; values?: unknown }) => {
      if (!s || typeof s !== 'object' || !Array.isArray(s.values)) {
        throw shapeError('a matrix series has no values list');
      }
      return { metric: labelsOf(s.metric), values: s.values.map(sampleOf) };
    });
  }
  if (resultType === 'vector') {
    return result.map((s: { metric?: unknown; value?: unknown }) => {
      if (!s || typeof s !== 'object') {
        throw shapeError('a vector element is not an object');
      }
      return { metric: labelsOf(s.metric), values: [sampleOf(s.value)] };
    });
  }
  if (resultType === 'scalar' || resultType === 'string') {
    return [{ metric: {}, values: [sampleOf(result)] }];
  }
  throw new SourceError(
    PROMETHEUS,
    'bad_response',
    `Prometheus answered a result of unknown type "${excerpt(resultType, 40)}"`
  );
}

/** Checks the API envelope; a Prometheus error is the query's fault (`bad_data`) or the server's. */
function unwrap(status: number, json: unknown): PromResult {
  const body = (json ?? {}) as PromEnvelope;
  if (body.status === 'error') {
    // Prometheus answers 503 with errorType "timeout" when the query ran past its -query.timeout:
    // the query's cost, not the server's health (the breaker must not count it).
    const kind = body.errorType === 'bad_data' ? 'bad_query' : body.errorType === 'timeout' ? 'timeout' : 'http';
    throw new SourceError(
      PROMETHEUS,
      kind,
      `Prometheus rejected the query: ${quoted(body.error ?? 'unknown error')}`,
      status
    );
  }
  if (body.status !== 'success' || !body.data || typeof body.data.resultType !== 'string') {
    throw new SourceError(
      PROMETHEUS,
      'bad_response',
      `Prometheus answered HTTP ${status} without a query result: is the URL a Prometheus server?`,
      status
    );
  }
  return {
    resultType: body.data.resultType as PromResult['resultType'],
    series: toSeries(body.data.resultType, body.data.result),
    warnings: Array.isArray(body.warnings) ? body.warnings.slice(0, LIMITS.maxUpstreamWarnings).map(quoted) : [],
    partial: body.isPartial === true,
  };
}

export interface LabelOptions {
  /** A series selector, e.g. ai_memory_operations_total{agent_type="coding"}. */
  match?: string;
  startSec?: number;
  endSec?: number;
  signal?: AbortSignal;
}

export class PrometheusClient {
  constructor(
    private readonly settings: PrometheusSettings,
    private readonly timings?: QueryTimings
  ) {}

  async queryRange(
    expr: string,
    startSec: number,
    endSec: number,
    stepSec: number,
    signal?: AbortSignal
  ): Promise<PromResult> {
    const form = new URLSearchParams({
      query: expr,
      start: String(startSec),
      end: String(endSec),
      step: String(stepSec),
    });
    const { status, json } = await this.request('/api/v1/query_range', {
      method: 'POST',
      form,
      signal,
      timings: this.timings,
    });
    return unwrap(status, json);
  }

  async queryInstant(expr: string, timeSec: number, signal?: AbortSignal): Promise<PromResult> {
    const form = new URLSearchParams({ query: expr, time: String(timeSec) });
    const { status, json } = await this.request('/api/v1/query', {
      method: 'POST',
      form,
      signal,
      timings: this.timings,
    });
    return unwrap(status, json);
  }

  /** Readiness as CheckHealth reports it: the build version when it answers. */
  async buildInfo(signal?: AbortSignal): Promise<string> {
    const { status, json } = await this.request('/api/v1/status/buildinfo', {
      signal,
      timings: this.timings,
    });
    const body = json as { status?: string; data?: { version?: string } } | undefined;
    if (status !== 200 || body?.status !== 'success') {
      throw new SourceError(
        PROMETHEUS,
        'bad_response',
        `Prometheus answered HTTP ${status} to /api/v1/status/buildinfo: is the URL a Prometheus server?`,
        status
      );
    }
    // A Thanos built without its release flags answers an empty version.
    const version = body.data?.version;
    return typeof version === 'string' && version !== '' ? excerpt(version, 60) : 'unknown';
  }

  /** Label names, optionally of the series a selector matches, within a time range. */
  async labelNames(options: LabelOptions = {}): Promise<string[]> {
    return this.stringList('/api/v1/labels', options);
  }

  async labelValues(label: string, options: LabelOptions = {}): Promise<string[]> {
    return this.stringList(`/api/v1/label/${encodeURIComponent(label)}/values`, options);
  }

  /**
   * Type and help of each metric (/api/v1/metadata), at most LIMITS.maxResourceValues metrics;
   * a metric exposed with several helps keeps its first.
   */
  async metadata(signal?: AbortSignal): Promise<MetricMetadataEntry[]> {
    const path = '/api/v1/metadata';
    const data = await this.answer(path, `limit=${LIMITS.maxResourceValues}`, signal);
    if (!data || typeof data !== 'object' || Array.isArray(data)) {
      throw new SourceError(PROMETHEUS, 'bad_response', `Prometheus answered ${path} without a metadata object`);
    }
    return Object.entries(data as Record<string, unknown>)
      .slice(0, LIMITS.maxResourceValues)
      .map(([metric, entries]) => metadataEntry(metric, entries));
  }

  private async stringList(path: string, options: LabelOptions): Promise<string[]> {
    // Prometheus 2.51+ cuts the list itself; older versions ignore `limit` and the cut below applies.
    const params = new URLSearchParams({ limit: String(LIMITS.maxResourceValues) });
    if (options.match) {
      params.append('match[]', options.match);
    }
    if (options.startSec !== undefined && options.endSec !== undefined) {
      params.set('start', String(options.startSec));
      params.set('end', String(options.endSec));
    }
    const data = await this.answer(path, params.toString(), options.signal);
    if (!Array.isArray(data)) {
      throw new SourceError(PROMETHEUS, 'bad_response', `Prometheus answered ${path} without a list`);
    }
    return data.filter((v): v is string => typeof v === 'string').slice(0, LIMITS.maxResourceValues);
  }

  /**
   * Every request to Prometheus, with the custom query parameters in its URL (as Grafana's
   * Prometheus data source adds them, POSTs included): Thanos, Mimir and VictoriaMetrics read them
   * from the URL and the form alike.
   */
  private request(pathAndQuery: string, init: Parameters<typeof requestJson>[3]) {
    const custom = this.settings.customQuery;
    const path = custom ? `${pathAndQuery}${pathAndQuery.includes('?') ? '&' : '?'}${custom}` : pathAndQuery;
    return requestJson(PROMETHEUS, this.settings, path, init);
  }

  /** The `data` of a successful answer to a GET of one of Prometheus' list APIs. */
  private async answer(path: string, query: string, signal?: AbortSignal): Promise<unknown> {
    const { status, json } = await this.request(`${path}?${query}`, {
      signal,
      timings: this.timings,
    });
    const body = json as { status?: string; data?: unknown; error?: string } | undefined;
    if (body?.status === 'error' && status === 400) {
      throw new SourceError(
        PROMETHEUS,
        'bad_query',
        `Prometheus rejected the request: ${quoted(body.error ?? 'bad request')}`,
        400
      );
    }
    if (body?.status !== 'success' || body.data === undefined) {
      throw new SourceError(
        PROMETHEUS,
        'bad_response',
        `Prometheus answered HTTP ${status} to ${path}${body?.error ? `: ${quoted(body.error)}` : ''}`,
        status
      );
    }
    return body.data;
  }
}

/** The first of a metric's metadata entries, its strings bounded as any upstream text we pass on. */
function metadataEntry(metric: string, entries: unknown): MetricMetadataEntry {
  const first = (Array.isArray(entries) ? entries[0] : undefined) as Record<string, unknown> | undefined;
  const text = (value: unknown) => (typeof value === 'string' ? excerpt(value, LIMITS.maxUpstreamTextLength) : '');
  const unit = text(first?.unit);
  return { metric, type: text(first?.type) || 'unknown', help: text(first?.help), ...(unit ? { unit } : {}) };
}
