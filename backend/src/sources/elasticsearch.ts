import type { ElasticsearchSettings } from '../settings';
import { requestJson } from './http';
import type { QueryTimings } from './timings';
import { SourceError } from './sourceError';
import { LIMITS, type SourceId } from '../../../contract';
import { excerpt } from '../text';
import { indexPatternProblem } from './elasticsearchDsl';

export const ELASTICSEARCH = 'elasticsearch' satisfies SourceId;

/** What Elasticsearch says of the shards a search ran on. */
interface ShardsHeader {
  total?: number;
  successful?: number;
  skipped?: number;
  failed?: number;
  failures?: Array<{
    index?: string | null;
    shard?: number;
    reason?: { type?: string; reason?: string | null } | string | null;
  }>;
}

interface SearchResponse {
  hits?: {
    total?: { value: number } | number;
    hits?: Array<{ _id: string; _index: string; _source: Record<string, unknown> }>;
  };
  aggregations?: Record<string, any>;
  error?: { type?: string; reason?: string | null; root_cause?: Array<{ type?: string; reason?: string | null }> };
  status?: number;
  timed_out?: boolean;
  _shards?: ShardsHeader;
}

/** A search's answer, with what makes it partial said in words (frame notices). */
export interface SearchResult extends SearchResponse {
  warnings: string[];
}

/** Text Elasticsearch sent, as it may be quoted in a message. */
const quoted = (text: unknown) => excerpt(text, LIMITS.maxUpstreamTextLength);

const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** A shard failure's reason in one line: its text, else its type ("no_shard_available_action_exception"). */
function failureReason(failure: NonNullable<ShardsHeader['failures']>[number]): string {
  const reason = failure.reason;
  const text =
    typeof reason === 'string'
      ? reason
      : reason
        ? (reason.reason ?? reason.type ?? 'unknown reason')
        : 'unknown reason';
  const where = [
    typeof failure.index === 'string' ? `index ${failure.index}` : undefined,
    count(failure.shard) !== undefined ? `shard ${failure.shard}` : undefined,
  ].filter(Boolean);
  return quoted(where.length > 0 ? `${where.join(' ')}: ${text}` : text);
}

/**
 * What makes an answer partial, as notices: shards that failed (a node down holding the only copy,
 * a shard that errored), the search's own timeout. A search Elasticsearch answers from some
 * shards only is still an answer; the user must be told it is not the whole one. Skipped shards
 * are not missing: Elasticsearch skips those that cannot match and counts them as successful.
 */
export function searchWarnings(response: Pick<SearchResponse, '_shards' | 'timed_out'>): string[] {
  const warnings: string[] = [];
  const shards = response._shards;
  const total = count(shards?.total);
  const successful = count(shards?.successful);
  const failed = count(shards?.failed) ?? (total !== undefined && successful !== undefined ? total - successful : 0);
  if (total !== undefined && failed > 0) {
    const first = Array.isArray(shards?.failures) && shards.failures.length > 0 ? shards.failures[0] : undefined;
    warnings.push(
      `Elasticsearch: partial results: ${successful ?? total - failed} of ${total} shards answered, ${failed} failed` +
        (first ? ` (first: ${failureReason(first)})` : '') +
        '. Events on the missing shards are not counted or shown.'
    );
  }
  if (response.timed_out === true) {
    warnings.push('Elasticsearch: the search timed out; the results are those gathered before it did.');
  }
  return warnings;
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

  async search(body: unknown, signal?: AbortSignal): Promise<SearchResult> {
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
      const cause = response.error?.root_cause?.[0];
      const reason = cause?.reason ?? response.error?.reason ?? cause?.type ?? `HTTP ${status}`;
      // "All shards failed" is the query's fault, unless Elasticsearch says it is unavailable
      // (503: no copy of a searched shard is on a live node).
      const badQuery =
        status === 400 || (response.error?.type === 'search_phase_execution_exception' && status !== 503);
      const causeType = cause?.type && cause.type !== reason ? ` (${quoted(cause.type)})` : '';
      throw new SourceError(
        ELASTICSEARCH,
        badQuery ? 'bad_query' : 'http',
        status >= 500
          ? `Elasticsearch could not run the search (HTTP ${status}): ${quoted(reason)}${causeType}`
          : `Elasticsearch rejected the search: ${quoted(reason)}`,
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
    return { ...response, warnings: searchWarnings(response) };
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
