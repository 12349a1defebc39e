import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { agentPool, requestJson } from './http';
import type { SourceSettings } from '../settings';

/** The upstream counts the connections it accepted; /slow answers after 300 ms. */
let server: http.Server;
let base: string;
let connections = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const answer = () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ path: req.url }));
    };
    if (req.url === '/slow') {
      setTimeout(answer, 300);
    } else {
      answer();
    }
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const instance = (instanceKey: string): SourceSettings => ({
  url: base,
  timeoutMs: 2000,
  maxResponseBytes: 1024 * 1024,
  headers: {},
  instanceKey,
});

describe('connection pools', () => {
  it('are per data source instance: two instances never share a socket', async () => {
    const before = connections;
    await requestJson('prometheus', instance('pool-a'), '/fast');
    await requestJson('prometheus', instance('pool-a'), '/fast'); // reuses pool-a's keep-alive socket
    await requestJson('prometheus', instance('pool-b'), '/fast');
    expect(connections - before).toBe(2);
  });

  it('close an instance’s pool only when it is idle, never under a running request', async () => {
    const max = agentPool.maxAgents;
    agentPool.maxAgents = 1;
    try {
      const running = requestJson('prometheus', instance('busy'), '/slow');
      await new Promise((r) => setTimeout(r, 50)); // the slow request holds its socket
      for (const key of ['other-1', 'other-2', 'other-3']) {
        await requestJson('prometheus', instance(key), '/fast'); // each new pool pushes the count over the bound
      }
      await expect(running).resolves.toEqual({ status: 200, json: { path: '/slow' } });
    } finally {
      agentPool.maxAgents = max;
    }
  });
});
