import type { SourceSettings } from '../settings';
import { requestJson } from './http';
import type { QueryTimings } from './timings';
import { SourceError } from './sourceError';
import { LIMITS, type SourceId } from '../../../contract';
import { excerpt, onlyDots } from '../text';

export const JAEGER = 'jaeger' satisfies SourceId;

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references?: Array<{ refType: string; traceID: string; spanID: string }>;
  startTime: number;
  duration: number;
  tags?: Array<{ key: string; type?: string; value: unknown }>;
  logs?: Array<{ timestamp: number; fields: Array<{ key: string; value: unknown }> }>;
  processID: string;
  warnings?: string[] | null;
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags?: Array<{ key: string; value: unknown }> }>;
}

export interface TraceSearch {
  service: string;
  operation?: string;
  tags?: Record<string, string>;
  minDuration?: string;
  maxDuration?: string;
  limit: number;
  startMs: number;
  endMs: number;
}

function shapeError(what: string): SourceError {
  return new SourceError(JAEGER, 'bad_response', `Jaeger answered with an unexpected shape: ${what}`);
}

function stringList(raw: unknown, what: string): string[] {
  if (raw === null || raw === undefined) {
    return [];
  }
  if (!Array.isArray(raw) || raw.some((v) => typeof v !== 'string')) {
    throw shapeError(`its ${what} are not a list of names`);
  }
  return raw as string[];
}

/** The fields frame building reads; anything else Jaeger sends is passed through untouched. */
function checkTraces(raw: unknown): JaegerTrace[] {
  if (raw === null || raw === undefined) {
    return [];
  }
  if (!Array.isArray(raw)) {
    throw shapeError('the traces are not a list');
  }
  for (const trace of raw as Array<Partial<JaegerTrace>>) {
    if (!trace || typeof trace.traceID !== 'string' || !Array.isArray(trace.spans)) {
      throw shapeError('a trace has no traceID or no spans list');
    }
    if (!trace.processes || typeof trace.processes !== 'object') {
      throw shapeError(`trace ${trace.traceID.slice(0, 32)} has no processes`);
    }
    for (const span of trace.spans) {
      if (
        !span ||
        typeof span.spanID !== 'string' ||
        typeof span.operationName !== 'string' ||
        typeof span.startTime !== 'number' ||
        typeof span.duration !== 'number' ||
        (span.tags !== undefined && span.tags !== null && !Array.isArray(span.tags))
      ) {
        throw shapeError(`a span of trace ${trace.traceID.slice(0, 32)} lacks its id, name, start or duration`);
      }
    }
  }
  return raw as JaegerTrace[];
}

/**
 * Why a service or operation name may not be sent to Jaeger, if it may not. The service becomes
 * a path segment (/api/services/<service>/operations): encodeURIComponent leaves dots alone, and
 * URL parsing then resolves "." and ".." as dot segments, so service ".." would call
 * /api/operations instead. No Jaeger service or operation is named only with dots, so operations
 * (sent as a query parameter) are held to the same rule. Empty names address nothing.
 */
export function jaegerNameProblem(what: 'service' | 'operation', name: string): string | undefined {
  if (name === '') {
    return `the Jaeger ${what} name is empty`;
  }
  if (onlyDots(name)) {
    return `the Jaeger ${what} "${name.slice(0, 40)}" is only dots, which is not a ${what} name`;
  }
  return undefined;
}

/** Jaeger's HTTP query API (the one Grafana's Jaeger data source calls). */
export class JaegerClient {
  constructor(
    private readonly settings: SourceSettings,
    private readonly timings?: QueryTimings
  ) {}

  private async data<T>(path: string, signal?: AbortSignal): Promise<T> {
    const { status, json } = await requestJson(JAEGER, this.settings, path, { signal, timings: this.timings });
    const body = json as { data?: T; errors?: Array<{ msg?: string }> | null } | undefined;
    if (status === 404 && path.startsWith('/api/traces/')) {
      throw new SourceError(
        JAEGER,
        'bad_query',
        `Jaeger has no trace ${decodeURIComponent(path.slice('/api/traces/'.length))}`,
        404
      );
    }
    if (status >= 400 || !body || body.data === undefined) {
      const reason = body?.errors?.[0]?.msg ?? `HTTP ${status}`;
      if (status === 500 && reason.includes('elastic: Error 400')) {
        // Jaeger on Elasticsearch storage passes on Elasticsearch's 400 as its own 500: the search
        // was refused, not failed (a tag value is a Lucene regular expression there, so "a(b" is
        // not valid), and must not count against Jaeger's circuit breaker.
        throw new SourceError(
          JAEGER,
          'bad_query',
          `Jaeger's Elasticsearch storage refused the search (on it, tag values are regular expressions: put \\ before ( ) [ ] { } . * + ? | & @ ~ < > " # \\ to match one literally): ${excerpt(reason, LIMITS.maxUpstreamTextLength)}`,
          status
        );
      }
      throw new SourceError(
        JAEGER,
        status === 400 ? 'bad_query' : 'bad_response',
        `Jaeger answered ${path.split('?')[0]} with ${excerpt(reason, LIMITS.maxUpstreamTextLength)}`,
        status
      );
    }
    return body.data;
  }

  services(signal?: AbortSignal): Promise<string[]> {
    return this.data<unknown>('/api/services', signal).then((s) => stringList(s, 'services'));
  }

  async operations(service: string, signal?: AbortSignal): Promise<string[]> {
    const problem = jaegerNameProblem('service', service);
    if (problem) {
      throw new SourceError(JAEGER, 'bad_query', problem);
    }
    return stringList(
      await this.data<unknown>(`/api/services/${encodeURIComponent(service)}/operations`, signal),
      'operations'
    );
  }

  async search(search: TraceSearch, signal?: AbortSignal): Promise<JaegerTrace[]> {
    const problem =
      jaegerNameProblem('service', search.service) ??
      (search.operation === undefined ? undefined : jaegerNameProblem('operation', search.operation));
    if (problem) {
      throw new SourceError(JAEGER, 'bad_query', problem);
    }
    const params = new URLSearchParams({
      service: search.service,
      limit: String(search.limit),
      start: String(Math.floor(search.startMs * 1000)),
      end: String(Math.ceil(search.endMs * 1000)),
    });
    if (search.operation) {
      params.set('operation', search.operation);
    }
    if (search.tags && Object.keys(search.tags).length > 0) {
      // Tags travel as JSON, so user values are never spliced into the query string syntax.
      params.set('tags', JSON.stringify(search.tags));
    }
    if (search.minDuration) {
      params.set('minDuration', search.minDuration);
    }
    if (search.maxDuration) {
      params.set('maxDuration', search.maxDuration);
    }
    return checkTraces(await this.data<unknown>(`/api/traces?${params.toString()}`, signal));
  }

  async trace(traceId: string, signal?: AbortSignal): Promise<JaegerTrace> {
    // Hex digits only, so never a dot segment and nothing to encode.
    if (!/^[0-9a-fA-F]{1,32}$/.test(traceId)) {
      throw new SourceError(JAEGER, 'bad_query', `"${traceId.slice(0, 40)}" is not a trace id (1 to 32 hex digits)`);
    }
    const traces = checkTraces(await this.data<unknown>(`/api/traces/${traceId}`, signal));
    if (!traces?.[0]) {
      throw new SourceError(JAEGER, 'bad_query', `Jaeger has no trace ${traceId}`, 404);
    }
    return traces[0];
  }
}
