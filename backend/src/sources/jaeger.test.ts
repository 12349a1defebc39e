import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { JaegerClient } from './jaeger';
import { SourceError } from './sourceError';
import type { SourceSettings } from '../settings';

/** A Jaeger that answers every path with a list and records which paths were asked. */
let server: http.Server;
let settings: SourceSettings;
const asked: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    asked.push(req.url ?? '');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ data: req.url?.startsWith('/api/traces') ? [] : ['x'] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  settings = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    timeoutMs: 2000,
    maxResponseBytes: 1024 * 1024,
    headers: {},
    instanceKey: 'test',
  };
});

beforeEach(() => {
  asked.length = 0;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function refusal(promise: Promise<unknown>): Promise<SourceError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SourceError);
    return error as SourceError;
  }
  throw new Error('the call was not refused');
}

describe('Jaeger names in API paths', () => {
  it('would be resolved away by URL parsing: this is what the check prevents', () => {
    expect(new URL(`${settings.url}/api/services/${encodeURIComponent('..')}/operations`).pathname).toBe(
      '/api/operations'
    );
  });

  it.each(['.', '..', '...', ''])('refuses service %p before calling Jaeger', async (service) => {
    const error = await refusal(new JaegerClient(settings).operations(service));
    expect(error.kind).toBe('bad_query');
    expect(error.message).toContain(service === '' ? 'service name is empty' : `service "${service}" is only dots`);
    expect(asked).toEqual([]);
  });

  it('refuses dot-only services and operations in a trace search', async () => {
    const search = { limit: 20, startMs: 0, endMs: 1000 };
    expect((await refusal(new JaegerClient(settings).search({ ...search, service: '..' }))).message).toContain(
      'service ".." is only dots'
    );
    expect(
      (await refusal(new JaegerClient(settings).search({ ...search, service: 'memory-api', operation: '.' }))).message
    ).toContain('operation "." is only dots');
    expect(asked).toEqual([]);
  });

  it('sends names that merely contain dots, encoded, to the path they name', async () => {
    await new JaegerClient(settings).operations('..memory.api');
    await new JaegerClient(settings).operations('a/../b');
    expect(asked).toEqual(['/api/services/..memory.api/operations', '/api/services/a%2F..%2Fb/operations']);
  });

  it('fetches a trace only by hex id', async () => {
    expect((await refusal(new JaegerClient(settings).trace('..'))).kind).toBe('bad_query');
    expect(asked).toEqual([]);
  });
});

describe('Jaeger on Elasticsearch storage', () => {
  it.each([
    [
      "elastic: Error 400 (Bad Request): all shards failed [type=search_phase_execution_exception]: RootCause[failed to create query: expected ')' at position 3 [type=query_shard_exception]]",
      'bad_query',
      false,
    ],
    ['elastic: Error 503 (Service Unavailable): no shard available', 'bad_response', true],
  ])('answers a 500 saying %p as %s', async (msg, kind, upstreamFault) => {
    const jaeger = http.createServer((_req, res) => {
      res.statusCode = 500;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: null, errors: [{ code: 500, msg: `search services failed: ${msg}` }] }));
    });
    await new Promise<void>((resolve) => jaeger.listen(0, '127.0.0.1', resolve));
    const settings: SourceSettings = {
      url: `http://127.0.0.1:${(jaeger.address() as AddressInfo).port}`,
      timeoutMs: 2000,
      maxResponseBytes: 1024 * 1024,
      headers: {},
      instanceKey: 'test',
    };
    try {
      const search = { service: 'memory-api', tags: { 'ai.agent_type': 'a(b' }, limit: 20, startMs: 0, endMs: 1000 };
      const error = await new JaegerClient(settings).search(search).then(
        () => undefined,
        (e: unknown) => e
      );
      expect(error).toBeInstanceOf(SourceError);
      expect((error as SourceError).kind).toBe(kind);
      expect((error as SourceError).upstreamFault).toBe(upstreamFault);
      if (kind === 'bad_query') {
        expect((error as SourceError).message).toContain('tag values are regular expressions');
      }
    } finally {
      jaeger.closeAllConnections();
      await new Promise((resolve) => jaeger.close(resolve));
    }
  });
});
