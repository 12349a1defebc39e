import type { SourceSettings } from '../settings';
import { requestJson } from './http';
import { SourceError } from './sourceError';

export const JAEGER = 'Jaeger';

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

/** Jaeger's HTTP query API (the one Grafana's Jaeger data source calls). */
export class JaegerClient {
  constructor(private readonly settings: SourceSettings) {}

  private async data<T>(path: string, signal?: AbortSignal): Promise<T> {
    const { status, json } = await requestJson(JAEGER, this.settings, path, { signal });
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
      throw new SourceError(
        JAEGER,
        status === 400 ? 'bad_query' : 'bad_response',
        `Jaeger answered ${path.split('?')[0]} with ${reason}`,
        status
      );
    }
    return body.data;
  }

  services(signal?: AbortSignal): Promise<string[]> {
    return this.data<string[]>('/api/services', signal).then((s) => s ?? []);
  }

  operations(service: string, signal?: AbortSignal): Promise<string[]> {
    return this.data<string[]>(`/api/services/${encodeURIComponent(service)}/operations`, signal).then((s) => s ?? []);
  }

  async search(search: TraceSearch, signal?: AbortSignal): Promise<JaegerTrace[]> {
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
    return (await this.data<JaegerTrace[]>(`/api/traces?${params.toString()}`, signal)) ?? [];
  }

  async trace(traceId: string, signal?: AbortSignal): Promise<JaegerTrace> {
    if (!/^[0-9a-fA-F]{1,32}$/.test(traceId)) {
      throw new SourceError(JAEGER, 'bad_query', `"${traceId.slice(0, 40)}" is not a trace id (1 to 32 hex digits)`);
    }
    const traces = await this.data<JaegerTrace[]>(`/api/traces/${traceId}`, signal);
    if (!traces?.[0]) {
      throw new SourceError(JAEGER, 'bad_query', `Jaeger has no trace ${traceId}`, 404);
    }
    return traces[0];
  }
}
