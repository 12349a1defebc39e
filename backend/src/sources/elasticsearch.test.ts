import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ElasticsearchClient } from './elasticsearch';
import { SourceError } from './sourceError';
import { parseSettingsAfresh, SettingsError, type ElasticsearchSettings } from '../settings';

/** An Elasticsearch that answers any search with one hit and records the paths asked. */
let server: http.Server;
let base: string;
const asked: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    asked.push(req.url ?? '');
    req.resume();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ hits: { total: { value: 1 }, hits: [{ _id: '1', _index: 'x', _source: {} }] } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

beforeEach(() => {
  asked.length = 0;
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
