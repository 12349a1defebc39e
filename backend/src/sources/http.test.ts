import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { requestJson } from './http';
import { memoryBudget, poolUsage, queryMemory, Reservation } from './memoryBudget';
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
      case '/matrix': {
        // A valid Prometheus matrix of 20,000 points, ~0.5 MiB: its parsed form is several times that.
        const values = Array.from({ length: 20000 }, (_, i) => `[${1700000000 + i}.5,"${i}.25"]`).join(',');
        res.setHeader('content-type', 'application/json');
        res.end(`{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[${values}]}]}}`);
        return;
      }
      case '/split-characters': {
        // Each chunk ends inside a character: 'é' and '记' are cut between two writes.
        const bytes = Buffer.from(JSON.stringify({ text: 'größe 记忆 é' }), 'utf8');
        res.setHeader('content-type', 'application/json');
        const cut = [bytes.indexOf(0xc3) + 1, bytes.indexOf(0xe8) + 2];
        res.write(bytes.subarray(0, cut[0]));
        setTimeout(() => {
          res.write(bytes.subarray(cut[0], cut[1]));
          setTimeout(() => res.end(bytes.subarray(cut[1])), 5);
        }, 5);
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
  it('decodes characters whose bytes arrive in two chunks, as each chunk is decoded on arrival', async () => {
    const { json } = await requestJson('prometheus', settings(), '/split-characters');
    expect(json).toEqual({ text: 'größe 记忆 é' });
  });

  it('sends custom headers and parses JSON', async () => {
    const { status, json } = await requestJson('prometheus', settings({ headers: { 'X-Tenant': 't1' } }), '/ok');
    expect(status).toBe(200);
    expect(json).toEqual({ echo: 't1' });
  });

  it('cuts an endless body off at the byte cap with an error that names the source and the cap', async () => {
    const started = Date.now();
    const error = await failure(requestJson('prometheus', settings(), '/endless'));
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).kind).toBe('too_large');
    expect(error.message).toMatch(/^Prometheus at http:\/\/127\.0\.0\.1:\d+ sent a response larger than 1 MiB/);
    expect((error as SourceError).upstreamFault).toBe(false);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('refuses a declared length over the cap before reading it', async () => {
    const error = await failure(requestJson('jaeger', settings(), '/declared-huge'));
    expect((error as SourceError).kind).toBe('too_large');
  });

  it('times out a silent upstream, which does not count against its breaker (the query may be the slow part)', async () => {
    const error = (await failure(requestJson('jaeger', settings({ timeoutMs: 200 }), '/silent'))) as SourceError;
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('did not answer within 0.2 s');
    expect(error.upstreamFault).toBe(false);
  });

  it('turns a cancellation into CancelledError, not a source failure', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(requestJson('jaeger', settings(), '/silent', { signal: controller.signal }));
    expect(error).toBeInstanceOf(CancelledError);
  });

  it('reports HTML as not JSON (a 5xx counts against the breaker) and a 401 as refused credentials', async () => {
    const html = (await failure(requestJson('elasticsearch', settings(), '/html'))) as SourceError;
    expect(html.message).toMatch(/answered HTTP 502 with something that is not JSON: "<html><body>Bad gateway/);
    expect(html.upstreamFault).toBe(true);
    const denied = (await failure(requestJson('elasticsearch', settings(), '/denied'))) as SourceError;
    expect(denied.message).toMatch(/refused the credentials \(HTTP 401\).*unable to authenticate/);
    expect(denied.upstreamFault).toBe(false);
  });

  /** Runs `fn` with the process and instance budgets set to these sizes in MiB. */
  async function withBudget<T>(processMiB: number, instanceMiB: number, fn: () => Promise<T>): Promise<T> {
    const saved = { ...memoryBudget };
    memoryBudget.processBytes = processMiB * 1024 * 1024;
    memoryBudget.instanceBytes = instanceMiB * 1024 * 1024;
    try {
      return await fn();
    } finally {
      Object.assign(memoryBudget, saved);
    }
  }

  it('bounds the memory held over all requests at once, and releases it afterwards', async () => {
    await withBudget(1, 64, async () => {
      const wide = settings({ maxResponseBytes: 8 * 1024 * 1024 });
      const errors = await Promise.all([1, 2, 3].map(() => failure(requestJson('prometheus', wide, '/endless'))));
      expect(errors.every((e) => e instanceof SourceError && e.kind === 'too_large')).toBe(true);
      expect(errors.map((e) => e.message).join(' ')).toContain(
        'already holds 1 MiB of answers for all data sources, its memory budget: try again in a moment'
      );
      // Everything was released: a normal answer goes through under the same small budget.
      await expect(requestJson('prometheus', settings(), '/ok')).resolves.toMatchObject({ status: 200 });
      expect(poolUsage('test')).toEqual({ instance: 0, process: 0 });
    });
  });

  it("counts an answer's parsed form: a matrix under the byte cap fails once its parse would pass the budget", async () => {
    await withBudget(64, 2, async () => {
      const error = (await failure(
        requestJson('prometheus', settings({ instanceKey: 'small' }), '/matrix')
      )) as SourceError;
      expect(error.kind).toBe('too_large');
      expect(error.message).toMatch(
        /is sending an answer that needs about [\d.]+ MiB of memory once parsed, and this data source's answers would pass its memory budget of 2 MiB: narrow the time range/
      );
      expect(poolUsage('small')).toEqual({ instance: 0, process: 0 });
    });
    // With room for it, the same answer parses.
    await expect(
      requestJson('prometheus', settings({ maxResponseBytes: 8 * 1024 * 1024 }), '/matrix')
    ).resolves.toMatchObject({
      status: 200,
    });
  });

  it("keeps a query's parsed answer reserved until its reservation is released, which frees the instance for others", async () => {
    await withBudget(64, 8, async () => {
      const wide = settings({ maxResponseBytes: 8 * 1024 * 1024, instanceKey: 'tenant-a' });
      const reservation = new Reservation('tenant-a');
      await queryMemory.run(reservation, () => requestJson('prometheus', wide, '/matrix'));
      // Held: ~0.5 MiB of text and 40,000 elements of 48 bytes each.
      expect(reservation.bytes).toBeGreaterThan(2 * 1024 * 1024);
      expect(poolUsage('tenant-a').instance).toBe(reservation.bytes);
      // Another instance's budget is its own.
      expect(poolUsage('tenant-b').instance).toBe(0);
      await expect(requestJson('prometheus', { ...wide, instanceKey: 'tenant-b' }, '/matrix')).resolves.toMatchObject({
        status: 200,
      });
      reservation.releaseAll();
      expect(poolUsage('tenant-a')).toEqual({ instance: 0, process: 0 });
    });
  });

  it('clamps the per-source cap to a third of the instance budget, and says so', async () => {
    await withBudget(64, 3, async () => {
      const huge = settings({ maxResponseBytes: 1024 * 1024 * 1024 });
      const error = await failure(requestJson('prometheus', huge, '/declared-huge'));
      expect(error.message).toContain(
        'sent a response larger than 1 MiB, the cap for this source (its "max response size" of 1024 MiB is clamped to a third of the data source\'s memory budget)'
      );
    });
  });

  it('reports a connection never made within the timeout as unreachable, which counts against its breaker', async () => {
    // A TCP listener that never answers the TLS handshake: the connection is never established.
    const sockets = new Set<net.Socket>();
    const mute = net.createServer((socket) => sockets.add(socket.on('error', () => undefined)));
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(mute.address() as AddressInfo).port}`;
    try {
      const error = (await failure(
        requestJson('prometheus', settings({ url, timeoutMs: 200, instanceKey: 'mute' }), '/api/v1/query')
      )) as SourceError;
      expect(error.kind).toBe('unreachable');
      expect(error.message).toContain(`could not connect to Prometheus at ${url} within 0.2 s: check that it runs`);
      expect(error.upstreamFault).toBe(true);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => mute.close(resolve));
    }
  });

  it('still reports a late answer on a reused keep-alive connection as a timeout', async () => {
    await requestJson('jaeger', settings({ instanceKey: 'reused' }), '/ok'); // leaves a free socket
    const error = (await failure(
      requestJson('jaeger', settings({ timeoutMs: 200, instanceKey: 'reused' }), '/silent')
    )) as SourceError;
    expect(error.kind).toBe('timeout');
  });

  it('says how to fix a refused connection', async () => {
    const error = await failure(requestJson('prometheus', settings({ url: 'http://127.0.0.1:1' }), '/ok'));
    expect(error.message).toMatch(/is unreachable \(ECONNREFUSED\): check that it runs/);
  });
});
