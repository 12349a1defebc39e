import type { ElasticsearchSettings } from '../settings';
import { requestJson } from './http';
import type { QueryTimings } from './timings';
import { SourceError } from './sourceError';
import { LIMITS, type SourceId } from '../../../contract';
import { excerpt } from '../text';
import { indexPatternProblem } from './elasticsearchDsl';

export const ELASTICSEARCH = 'elasticsearch' satisfies SourceId;

interface SearchResponse {
  hits?: {
    total?: { value: number } | number;
    hits?: Array<{ _id: string; _index: string; _source: Record<string, unknown> }>;
  };
  aggregations?: Record<string, any>;
  error?: { type?: string; reason?: string; root_cause?: Array<{ reason?: string }> };
  status?: number;
  timed_out?: boolean;
}

/** Every hit must carry its document: without `_source` there is no event to show. */
function checkHits(hits: unknown): void {
  if (hits === undefined) {
    return;
  }
  if (
    !Array.isArray(hits) ||
    hits.some((h) => !h || typeof h !== 'object' || !h._source || typeof h._source !== 'object')
  ) {
    throw new SourceError(
      ELASTICSEARCH,
      'bad_response',
      'Elasticsearch answered search hits of an unexpected shape (a hit without its _source document)'
    );
  }
}

/** Elasticsearch's REST search API, as Grafana's own data source uses it: the same for 8.x and 9.x. */
export class ElasticsearchClient {
  constructor(
    private readonly settings: ElasticsearchSettings,
    private readonly timings?: QueryTimings
  ) {}

  async search(body: unknown, signal?: AbortSignal): Promise<SearchResponse> {
    // Checked here too, not only when the settings are read: whatever builds this client, a
    // pattern such as "..", "_all" or ".security" never reaches the URL.
    const problem = indexPatternProblem(this.settings.index);
    if (problem) {
      throw new SourceError(ELASTICSEARCH, 'not_configured', problem);
    }
    const path = `/${encodeURIComponent(this.settings.index).replace(/%2A/g, '*').replace(/%2C/g, ',')}/_search?ignore_unavailable=true&allow_no_indices=true`;
    const { status, json } = await requestJson(ELASTICSEARCH, this.settings, path, {
      method: 'POST',
      body,
      signal,
      timings: this.timings,
    });
    const response = (json ?? {}) as SearchResponse;
    if (status >= 400 || response.error) {
      const reason = response.error?.root_cause?.[0]?.reason ?? response.error?.reason ?? `HTTP ${status}`;
      const badQuery = status === 400 || response.error?.type === 'search_phase_execution_exception';
      throw new SourceError(
        ELASTICSEARCH,
        badQuery ? 'bad_query' : 'http',
        `Elasticsearch rejected the search: ${excerpt(reason, LIMITS.maxUpstreamTextLength)}`,
        status
      );
    }
    checkHits(response.hits?.hits);
    if (!response.hits && !response.aggregations) {
      throw new SourceError(
        ELASTICSEARCH,
        'bad_response',
        `Elasticsearch answered HTTP ${status} without search results: is the URL an Elasticsearch server?`,
        status
      );
    }
    return response;
  }

  /** The cluster's version and health, for CheckHealth. */
  async health(signal?: AbortSignal): Promise<string> {
    const { status, json } = await requestJson(ELASTICSEARCH, this.settings, '/_cluster/health', {
      signal,
      timings: this.timings,
    });
    const body = json as { status?: string; cluster_name?: string } | undefined;
    if (status !== 200 || !body?.status) {
      throw new SourceError(
        ELASTICSEARCH,
        'bad_response',
        `Elasticsearch answered HTTP ${status} to /_cluster/health`,
        status
      );
    }
    if (body.status === 'red') {
      throw new SourceError(ELASTICSEARCH, 'http', `Elasticsearch cluster ${body.cluster_name ?? ''} is red`);
    }
    const nodes = await requestJson(ELASTICSEARCH, this.settings, '/_nodes?filter_path=nodes.*.version', {
      signal,
      timings: this.timings,
    });
    const versions = Object.values(((nodes.json as any)?.nodes ?? {}) as Record<string, { version?: string }>).map(
      (n) => n.version
    );
    return `Elasticsearch ${versions[0] ?? 'unknown version'} (${body.status})`;
  }
}
