import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { bufferBudget, requestJson } from './http';
import { CancelledError, SourceError } from './sourceError';
import type { SourceSettings } from '../settings';

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    switch (req.url) {
      case '/ok':
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ echo: req.headers['x-tenant'] ?? null }));
        return;
      case '/endless': {
        // Chunked, no length, never ends on its own.
        res.write('[');
        const timer = setInterval(() => res.write('"x".repeat(1024),'.repeat(512)), 1);
        res.on('close', () => clearInterval(timer));
        return;
      }
      case '/declared-huge':
        res.setHeader('content-length', String(2 * 1024 * 1024 * 1024));
        res.write('{');
        return;
      case '/silent':
        return; // never answers
      case '/html':
        res.statusCode = 502;
        res.end('<html><body>Bad gateway</body></html>');
        return;
      case '/denied':
        res.statusCode = 401;
        res.end(JSON.stringify({ error: { reason: 'unable to authenticate with provided credentials' } }));
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const settings = (extra: Partial<SourceSettings> = {}): SourceSettings => ({
  url: base,
  timeoutMs: 2000,
  maxResponseBytes: 1024 * 1024,
  headers: {},
  instanceKey: 'test',
  ...extra,
});

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('requestJson', () => {
  it('sends custom headers and parses JSON', async () => {
    const { status, json } = await requestJson('Test', settings({ headers: { 'X-Tenant': 't1' } }), '/ok');
    expect(status).toBe(200);
    expect(json).toEqual({ echo: 't1' });
  });

  it('cuts an endless body off at the byte cap with an error that names the source and the cap', async () => {
    const started = Date.now();
    const error = await failure(requestJson('Prometheus', settings(), '/endless'));
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).kind).toBe('too_large');
    expect(error.message).toMatch(/^Prometheus at http:\/\/127\.0\.0\.1:\d+ sent a response larger than 1 MiB/);
    expect((error as SourceError).upstreamFault).toBe(false);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('refuses a declared length over the cap before reading it', async () => {
    const error = await failure(requestJson('Jaeger', settings(), '/declared-huge'));
    expect((error as SourceError).kind).toBe('too_large');
  });

  it('times out a silent upstream, which counts against its breaker', async () => {
    const error = (await failure(requestJson('Jaeger', settings({ timeoutMs: 200 }), '/silent'))) as SourceError;
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('did not answer within 0.2 s');
    expect(error.upstreamFault).toBe(true);
  });

  it('turns a cancellation into CancelledError, not a source failure', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(requestJson('Jaeger', settings(), '/silent', { signal: controller.signal }));
    expect(error).toBeInstanceOf(CancelledError);
  });

  it('reports HTML as not JSON (a 5xx counts against the breaker) and a 401 as refused credentials', async () => {
    const html = (await failure(requestJson('Elasticsearch', settings(), '/html'))) as SourceError;
    expect(html.message).toMatch(/answered HTTP 502 with something that is not JSON: "<html><body>Bad gateway/);
    expect(html.upstreamFault).toBe(true);
    const denied = (await failure(requestJson('Elasticsearch', settings(), '/denied'))) as SourceError;
    expect(denied.message).toMatch(/refused the credentials \(HTTP 401\).*unable to authenticate/);
    expect(denied.upstreamFault).toBe(false);
  });

  it('bounds the bytes held over all requests at once, and releases them afterwards', async () => {
    const saved = bufferBudget.maxBytes;
    bufferBudget.maxBytes = 1024 * 1024;
    try {
      const wide = settings({ maxResponseBytes: 8 * 1024 * 1024 });
      const errors = await Promise.all([1, 2, 3].map(() => failure(requestJson('Prometheus', wide, '/endless'))));
      expect(errors.every((e) => e instanceof SourceError && e.kind === 'too_large')).toBe(true);
      expect(errors.map((e) => e.message).join(' ')).toContain('already holds 1 MiB of upstream answers');
    } finally {
      bufferBudget.maxBytes = saved;
    }
    // Everything was released: a normal answer goes through under the same small budget.
    bufferBudget.maxBytes = 1024 * 1024;
    try {
      await expect(requestJson('Test', settings(), '/ok')).resolves.toMatchObject({ status: 200 });
    } finally {
      bufferBudget.maxBytes = saved;
    }
  });

  it('says how to fix a refused connection', async () => {
    const error = await failure(requestJson('Prometheus', settings({ url: 'http://127.0.0.1:1' }), '/ok'));
    expect(error.message).toMatch(/is unreachable \(ECONNREFUSED\): check that it runs/);
  });
});
