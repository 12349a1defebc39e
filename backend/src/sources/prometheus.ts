import { requestJson } from './http';
import { SourceError } from './sourceError';
import type { SourceSettings } from '../settings';

export const PROMETHEUS = 'Prometheus';

/** One series of a Prometheus matrix or vector result, values as [epoch seconds, "value"]. */
export interface PromSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

export interface PromResult {
  resultType: 'matrix' | 'vector' | 'scalar' | 'string';
  series: PromSeries[];
  warnings: string[];
}

interface PromEnvelope {
  status?: string;
  data?: { resultType?: string; result?: unknown };
  errorType?: string;
  error?: string;
  warnings?: string[];
}

function toSeries(resultType: string, result: unknown): PromSeries[] {
  if (resultType === 'matrix' && Array.isArray(result)) {
    return result.map((s: { metric?: Record<string, string>; values?: Array<[number, string]> }) => ({
      metric: s.metric ?? {},
      values: Array.isArray(s.values) ? s.values : [],
    }));
  }
  if (resultType === 'vector' && Array.isArray(result)) {
    return result.map((s: { metric?: Record<string, string>; value?: [number, string] }) => ({
      metric: s.metric ?? {},
      values: Array.isArray(s.value) ? [s.value] : [],
    }));
  }
  if ((resultType === 'scalar' || resultType === 'string') && Array.isArray(result)) {
    return [{ metric: {}, values: [result as [number, string]] }];
  }
  throw new SourceError(PROMETHEUS, 'bad_response', `Prometheus answered a result of unknown type "${resultType}"`);
}

/** Checks the API envelope; a Prometheus error is the query's fault (`bad_data`) or the server's. */
function unwrap(status: number, json: unknown): PromResult {
  const body = (json ?? {}) as PromEnvelope;
  if (body.status === 'error') {
    const kind = body.errorType === 'bad_data' ? 'bad_query' : 'http';
    throw new SourceError(PROMETHEUS, kind, `Prometheus rejected the query: ${body.error ?? 'unknown error'}`, status);
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
    warnings: Array.isArray(body.warnings) ? body.warnings : [],
  };
}

export class PrometheusClient {
  constructor(private readonly settings: SourceSettings) {}

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
    const { status, json } = await requestJson(PROMETHEUS, this.settings, '/api/v1/query_range', {
      method: 'POST',
      form,
      signal,
    });
    return unwrap(status, json);
  }

  async queryInstant(expr: string, timeSec: number, signal?: AbortSignal): Promise<PromResult> {
    const form = new URLSearchParams({ query: expr, time: String(timeSec) });
    const { status, json } = await requestJson(PROMETHEUS, this.settings, '/api/v1/query', {
      method: 'POST',
      form,
      signal,
    });
    return unwrap(status, json);
  }

  /** Readiness as CheckHealth reports it: the build version when it answers. */
  async buildInfo(): Promise<string> {
    const { status, json } = await requestJson(PROMETHEUS, this.settings, '/api/v1/status/buildinfo');
    const body = json as { status?: string; data?: { version?: string } } | undefined;
    if (status !== 200 || body?.status !== 'success') {
      throw new SourceError(
        PROMETHEUS,
        'bad_response',
        `Prometheus answered HTTP ${status} to /api/v1/status/buildinfo: is the URL a Prometheus server?`,
        status
      );
    }
    return body.data?.version ?? 'unknown';
  }

  async labelNames(): Promise<string[]> {
    return this.stringList('/api/v1/labels');
  }

  async labelValues(label: string): Promise<string[]> {
    return this.stringList(`/api/v1/label/${encodeURIComponent(label)}/values`);
  }

  private async stringList(path: string): Promise<string[]> {
    const { status, json } = await requestJson(PROMETHEUS, this.settings, path);
    const body = json as { status?: string; data?: unknown; error?: string } | undefined;
    if (body?.status !== 'success' || !Array.isArray(body.data)) {
      throw new SourceError(
        PROMETHEUS,
        'bad_response',
        `Prometheus answered HTTP ${status} to ${path}${body?.error ? `: ${body.error}` : ''}`,
        status
      );
    }
    return body.data.filter((v): v is string => typeof v === 'string');
  }
}
