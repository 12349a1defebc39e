import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { createLogger } from './logger';
import { createPluginMetrics } from './pluginMetrics';
import { capResponseSize, createServer } from './server';
import { SERVICES } from './services';
import { SourceBreakers } from '../sources/breakers';

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

describe('capResponseSize', () => {
  const result = (bytes: number) => ({
    frames: [Buffer.alloc(bytes)],
    status: 200,
    error: '',
    errorSource: '',
    format: 'ARROW',
  });

  it('replaces the largest results with an error until the response fits, keeping the others', () => {
    const mib = 1024 * 1024;
    const responses = new Map([
      ['SMALL', result(1 * mib)],
      ['HUGE', result(6 * mib)],
      ['MEDIUM', result(3 * mib)],
    ]);
    capResponseSize(
      responses,
      createLogger(() => undefined),
      5 * mib
    );
    expect(responses.get('HUGE')).toMatchObject({ status: 413, frames: [] });
    expect(responses.get('HUGE')!.error).toBe(
      'The result of query HUGE is 6.0 MiB, more than one response may carry (5.0 MiB with the other queries): narrow its range or lower its limit'
    );
    expect(responses.get('MEDIUM')!.status).toBe(200);
    expect(responses.get('SMALL')!.status).toBe(200);
  });

  it('leaves a response under the limit alone', () => {
    const responses = new Map([['A', result(10)]]);
    capResponseSize(
      responses,
      createLogger(() => undefined),
      100
    );
    expect(responses.get('A')!.status).toBe(200);
  });
});
