import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { createLogger } from '../runtime/logger';
import { createPluginMetrics } from '../runtime/pluginMetrics';
import { createServer } from './server';
import { encodeOutcome, ResponseAllowance } from '../handlers/queryData';
import { SERVICES } from './services';
import { SourceBreakers } from '../sources/breakers';
import { memoryBudget, poolUsage, Reservation } from '../sources/memoryBudget';
import type { QueryOutcome } from '../query/execute';

/** The server over a real socket with grpc-js's client: cancellation must reach the upstream. */
describe('QueryData cancellation', () => {
  let upstream: http.Server;
  let closed: Array<() => void> = [];
  let server: grpc.Server;
  let client: grpc.Client;
  let dir: string;

  beforeAll(async () => {
    upstream = http.createServer((req) => {
      req.socket.on('close', () => closed.shift()?.());
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srv'));
    const metrics = createPluginMetrics();
    server = createServer({
      logger: createLogger(() => undefined),
      metrics: () => metrics,
      breakers: new SourceBreakers(() => metrics.circuitBreakerState),
      onShutdown: () => undefined,
    });
    const socket = `unix:${path.join(dir, 's.sock')}`;
    await new Promise<void>((resolve, reject) =>
      server.bindAsync(socket, grpc.ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve()))
    );
    const Client = grpc.makeGenericClientConstructor(SERVICES.data, 'Data');
    client = new Client(socket, grpc.credentials.createInsecure());
  });

  afterAll(() => {
    client.close();
    server.forceShutdown();
    upstream.closeAllConnections();
    upstream.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('aborts the upstream request when the gRPC call is cancelled', async () => {
    const port = (upstream.address() as AddressInfo).port;
    const jsonData = Buffer.from(JSON.stringify({ prometheusUrl: `http://127.0.0.1:${port}` }));
    const upstreamClosed = new Promise<void>((resolve) => closed.push(resolve));
    const call = (client as any).QueryData(
      {
        pluginContext: { dataSourceInstanceSettings: { uid: 'x', jsonData } },
        queries: [
          { refId: 'A', json: Buffer.from('{"expr":"up"}'), timeRange: { fromEpochMS: '0', toEpochMS: '60000' } },
        ],
      },
      () => undefined
    ) as grpc.ClientUnaryCall;
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    call.cancel();
    await upstreamClosed;
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('encodeOutcome', () => {
  const logger = createLogger(() => undefined);
  /** A query whose one frame is a string column of `rows` values of 1 KiB each. */
  const outcome = (refId: string, rows: number): QueryOutcome => ({
    refId,
    queryType: 'logs',
    status: 200,
    frames: [
      {
        refId,
        fields: [{ name: 'line', type: 'string', values: Array.from({ length: rows }, () => 'x'.repeat(1024)) }],
      },
    ],
  });

  it('adds results until the response cap, then answers the queries that do not fit with an error', () => {
    const allowance = new ResponseAllowance(2.5 * 1024 * 1024);
    const reservation = new Reservation('enc');
    const results = ['A', 'B', 'C'].map((refId) => encodeOutcome(outcome(refId, 1024), logger, reservation, allowance));
    expect(results.map((r) => r.status)).toEqual([200, 200, 413]);
    expect(results[2].frames).toEqual([]);
    expect(results[2].error).toMatch(
      /^The result of query C is more than 1 MiB, and one response carries at most 2\.5 MiB with the other queries: narrow its range or lower its limit/
    );
    // A small result still fits next to them.
    expect(encodeOutcome(outcome('D', 10), logger, reservation, allowance).status).toBe(200);
    expect(allowance.total).toBeLessThanOrEqual(allowance.limit);
    reservation.releaseAll();
  });

  it("swaps a query's parsed-answer reservation for its encoded bytes, and refuses what passes the budget", () => {
    const saved = { ...memoryBudget };
    memoryBudget.instanceBytes = 3.5 * 1024 * 1024;
    try {
      const first = new Reservation('budget');
      expect(first.take(1024 * 1024)).toBeUndefined(); // the parsed answer
      const a = encodeOutcome(outcome('A', 1024), logger, first, new ResponseAllowance());
      expect(a.status).toBe(200);
      // Twice the ~1 MiB encoded, no longer the parsed answer.
      expect(first.bytes).toBeGreaterThan(2 * 1024 * 1024);
      expect(first.bytes).toBeLessThan(2.2 * 1024 * 1024);
      const second = new Reservation('budget');
      const b = encodeOutcome(outcome('B', 1024), logger, second, new ResponseAllowance());
      expect(b).toMatchObject({ status: 413, frames: [] });
      expect(b.error).toMatch(
        /^The result of query B is more than 1 MiB, and this data source's answers would pass its memory budget of 3.5 MiB: narrow the time range/
      );
      expect(second.bytes).toBe(0);
      first.releaseAll();
      expect(poolUsage('budget')).toEqual({ instance: 0, process: 0 });
    } finally {
      Object.assign(memoryBudget, saved);
    }
  });
});
