import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ElasticsearchClient, searchWarnings } from './elasticsearch';
import { LIMITS } from '../../../contract';
import { SourceError } from './sourceError';
import { parseSettingsAfresh, SettingsError, type ElasticsearchSettings } from '../settings';

/** An Elasticsearch that answers any search with one hit (or `answer`) and records the paths asked. */
let server: http.Server;
let base: string;
const asked: string[] = [];
let answer: { status: number; body: unknown } | undefined;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    asked.push(req.url ?? '');
    req.resume();
    res.setHeader('content-type', 'application/json');
    res.statusCode = answer?.status ?? 200;
    res.end(
      JSON.stringify(answer?.body ?? { hits: { total: { value: 1 }, hits: [{ _id: '1', _index: 'x', _source: {} }] } })
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

beforeEach(() => {
  asked.length = 0;
  answer = undefined;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const settings = (index: string): ElasticsearchSettings => ({
  url: base,
  index,
  timeoutMs: 2000,
  maxResponseBytes: 1024 * 1024,
  headers: {},
  instanceKey: 'test',
});

const settingsMessage = (elasticsearchIndex: string) => ({
  uid: 'ds',
  jsonData: Buffer.from(JSON.stringify({ elasticsearchUrl: base, elasticsearchIndex })),
});

describe('the Elasticsearch index pattern', () => {
  it.each(['..', '_all', '.security', 'ai-events-*,.security'])(
    'refuses %p in the data source settings, saying why',
    (index) => {
      expect(() => parseSettingsAfresh(settingsMessage(index))).toThrow(SettingsError);
      expect(() => parseSettingsAfresh(settingsMessage(index))).toThrow(
        `Elasticsearch index pattern "${index}" is not valid`
      );
    }
  );

  it('"..", unchecked, would search every index: URL parsing resolves it away', () => {
    expect(new URL(`${base}/${encodeURIComponent('..')}/_search`).pathname).toBe('/_search');
  });

  it.each(['..', '_all', '.security', 'ai-events-*,_all'])(
    'is checked by the client too, before any request: %p',
    async (index) => {
      const error = await new ElasticsearchClient(settings(index)).search({ size: 0 }).then(
        () => undefined,
        (e: unknown) => e
      );
      expect(error).toBeInstanceOf(SourceError);
      expect((error as SourceError).message).toContain('is not valid');
      expect(asked).toEqual([]);
    }
  );

  it('searches a valid list of patterns at its own path', async () => {
    expect(parseSettingsAfresh(settingsMessage('ai-events-*,-ai-events-old')).elasticsearch?.index).toBe(
      'ai-events-*,-ai-events-old'
    );
    await new ElasticsearchClient(settings('ai-events-*,-ai-events-old')).search({ size: 0 });
    expect(asked).toEqual(['/ai-events-*,-ai-events-old/_search?ignore_unavailable=true&allow_no_indices=true']);
  });
});

/** Elasticsearch 9.2's own answer with one of two nodes stopped: the shards of an index without replicas were on it. */
const PARTIAL = {
  took: 3,
  timed_out: false,
  _shards: {
    total: 3,
    successful: 1,
    skipped: 0,
    failed: 2,
    failures: [
      {
        shard: 0,
        index: 'ai-events-pinned',
        node: null,
        reason: { type: 'no_shard_available_action_exception', reason: null },
      },
    ],
  },
  hits: { total: { value: 3, relation: 'eq' }, hits: [] },
};

describe('partial search results', () => {
  it('says how many shards of how many answered, and the first reason', () => {
    expect(searchWarnings(PARTIAL)).toEqual([
      'Elasticsearch: partial results: 1 of 3 shards answered, 2 failed (first: index ai-events-pinned shard 0: ' +
        'no_shard_available_action_exception). Events on the missing shards are not counted or shown.',
    ]);
  });

  it('says nothing of a whole answer, skipped shards included (they count as successful)', () => {
    expect(searchWarnings({ timed_out: false, _shards: { total: 5, successful: 5, skipped: 3, failed: 0 } })).toEqual(
      []
    );
    expect(searchWarnings({})).toEqual([]);
  });

  it('tells a search that timed out', () => {
    expect(searchWarnings({ timed_out: true, _shards: { total: 1, successful: 1, failed: 0 } })).toEqual([
      'Elasticsearch: the search timed out; the results are those gathered before it did.',
    ]);
  });

  it('quotes a failure reason bounded, whatever its shape', () => {
    const long = 'x'.repeat(5000);
    const [text] = searchWarnings({
      _shards: {
        total: 2,
        successful: 1,
        failed: 1,
        failures: [{ reason: { type: 'query_shard_exception', reason: long } }],
      },
    });
    expect(text.length).toBeLessThan(LIMITS.maxUpstreamTextLength + 200);
    expect(text).toContain('1 of 2 shards answered, 1 failed (first: xxx');
    expect(searchWarnings({ _shards: { total: 2, successful: 0, failures: [{ reason: 'plain text' }] } })[0]).toContain(
      '0 of 2 shards answered, 2 failed (first: plain text)'
    );
    expect(searchWarnings({ _shards: { total: 2, successful: 1, failed: 1, failures: [] } })[0]).toBe(
      'Elasticsearch: partial results: 1 of 2 shards answered, 1 failed. Events on the missing shards are not counted or shown.'
    );
  });

  it('come back from the client with the answer', async () => {
    answer = { status: 200, body: PARTIAL };
    const result = await new ElasticsearchClient(settings('ai-events-*')).search({ size: 0 });
    expect(result.warnings).toEqual(searchWarnings(PARTIAL));
    expect(result.hits?.total).toEqual({ value: 3, relation: 'eq' });
  });

  it('no shard available anywhere is the cluster failing (503), not a bad query', async () => {
    answer = {
      status: 503,
      body: {
        error: {
          root_cause: [{ type: 'no_shard_available_action_exception', reason: null }],
          type: 'search_phase_execution_exception',
          reason: 'all shards failed',
        },
        status: 503,
      },
    };
    const error = (await new ElasticsearchClient(settings('ai-events-*'))
      .search({ size: 0 })
      .catch((e: unknown) => e)) as SourceError;
    expect(error).toBeInstanceOf(SourceError);
    expect(error.kind).toBe('http');
    expect(error.message).toBe(
      'Elasticsearch could not run the search (HTTP 503): all shards failed (no_shard_available_action_exception)'
    );
  });

  it('a query the shards refused stays a bad query', async () => {
    answer = {
      status: 400,
      body: {
        error: {
          root_cause: [{ type: 'query_shard_exception', reason: 'Failed to parse query [a:(]' }],
          type: 'search_phase_execution_exception',
          reason: 'all shards failed',
        },
        status: 400,
      },
    };
    const error = (await new ElasticsearchClient(settings('ai-events-*'))
      .search({ size: 0 })
      .catch((e: unknown) => e)) as SourceError;
    expect(error.kind).toBe('bad_query');
    expect(error.message).toBe('Elasticsearch rejected the search: Failed to parse query [a:(]');
  });
});
