import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { HealthChecker, mcpCheck, mcpServerName, postgresCheck, redisCheck, type HealthCheck } from './health.js';
import { MemoryTelemetry } from './memoryTelemetry.js';

describe('HealthChecker scoring', () => {
  it('scores the share of healthy components, names the failing ones and times out slow checks', async () => {
    const telemetry = new MemoryTelemetry();
    const checker = new HealthChecker({
      telemetry,
      timeoutMs: 100,
      checks: {
        mem0_api: async () => ({ healthy: true }),
        redis: async () => {
          throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
        },
        neo4j: () => new Promise(() => undefined),
        postgresql: async () => ({ healthy: true, vector_extension: false }),
      },
    });
    const report = await checker.run();
    expect(report.overall_score).toBe(50);
    expect(report.components.redis).toEqual({ healthy: false, error: 'connect ECONNREFUSED 127.0.0.1:6379' });
    expect(report.components.neo4j).toEqual({ healthy: false, error: 'no answer within 100 ms' });
    expect(report.components.postgresql.vector_extension).toBe(false);
    expect(report.duration_seconds).toBeLessThan(1);
    const text = (await telemetry.exposition()).body;
    expect(text).toContain('ai_system_health_score 50');
    expect(text).toContain('ai_component_health{component="redis"} 0');
    expect(text).toContain('ai_component_health{component="mem0_api"} 100');
    expect(text).toMatch(/ai_health_check_duration_seconds 0\.\d+/);
  });
});

/** A TCP server that accepts connections, reads and never answers, counting the sockets still open. */
async function silentServer(): Promise<{
  port: number;
  open: () => number;
  accepted: () => number;
  close: () => Promise<void>;
}> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    socket.resume(); // reads (and so sees the client close), never writes
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    open: () => sockets.size,
    accepted: () => accepted,
    close: async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('health checks against a server that accepts and never answers', () => {
  const cases: Array<[string, (port: number) => HealthCheck]> = [
    ['postgresql', (port) => postgresCheck(`postgres://u:p@127.0.0.1:${port}/db`)],
    ['redis', (port) => redisCheck(`redis://127.0.0.1:${port}`)],
  ];
  it.each(cases)(
    '%s: each timed-out check closes its client, so at most one socket stays open',
    async (name, check) => {
      const server = await silentServer();
      const checker = new HealthChecker({
        telemetry: new MemoryTelemetry(),
        timeoutMs: 100,
        intervalMs: 150,
        checks: { [name]: check(server.port) },
      }).start();
      try {
        let maxOpen = 0;
        for (let i = 0; i < 16; i++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          maxOpen = Math.max(maxOpen, server.open());
        }
        expect(server.accepted()).toBeGreaterThanOrEqual(5); // several intervals did run
        expect(maxOpen).toBeLessThanOrEqual(1);
        expect(checker.last?.components[name]).toEqual({ healthy: false, error: 'no answer within 100 ms' });
      } finally {
        checker.stop();
        await server.close();
      }
    }
  );
});

describe('mcpServerName', () => {
  const answer = { jsonrpc: '2.0', id: 1, result: { protocolVersion: '2025-06-18', serverInfo: { name: 'memstack' } } };

  it('reads the server name of an answer sent as JSON or as server-sent events', () => {
    expect(mcpServerName(JSON.stringify(answer))).toBe('memstack');
    expect(mcpServerName(`event: message\r\ndata: ${JSON.stringify(answer)}\r\n\r\n`)).toBe('memstack');
    expect(mcpServerName(`: ping\n\nevent: message\ndata:${JSON.stringify(answer)}\n`)).toBe('memstack');
  });

  it('finds no name in an error, a name outside result.serverInfo, or text that is not JSON', () => {
    expect(
      mcpServerName(JSON.stringify({ jsonrpc: '2.0', id: 1, error: { code: -1, message: 'no' } }))
    ).toBeUndefined();
    expect(mcpServerName('{"serverInfo":{"name":"x"}}')).toBeUndefined();
    expect(mcpServerName('"serverInfo":{"name":"x"}')).toBeUndefined();
    expect(mcpServerName('')).toBeUndefined();
  });
});

describe('mcpCheck against a real HTTP server', () => {
  async function serving(status: number, body: string): Promise<{ url: string; close: () => Promise<void> }> {
    const server = createHttpServer((req, res) => {
      req.resume();
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}/mcp`, close: () => new Promise((r) => server.close(() => r())) };
  }

  it('is healthy with the server name of an initialize answer', async () => {
    const server = await serving(200, '{"jsonrpc":"2.0","id":1,"result":{"serverInfo":{"name":"memstack"}}}');
    try {
      expect(await mcpCheck(server.url)(new AbortController().signal)).toEqual({ healthy: true, server: 'memstack' });
    } finally {
      await server.close();
    }
  });

  it('answers at once, unhealthy, on a body of repeated serverInfo keys (quadratic for the old regex)', async () => {
    // The old /"serverInfo"\s*:\s*\{[^}]*"name".../ took ~1.8 s on 20,000 keys and ~4x per doubling.
    const server = await serving(200, `{"result":${'"serverInfo":{'.repeat(50_000)}`);
    try {
      const started = performance.now();
      const result = await mcpCheck(server.url)(new AbortController().signal);
      expect(performance.now() - started).toBeLessThan(1000);
      expect(result).toEqual({
        healthy: false,
        error: `${server.url} answered HTTP 200 without an MCP initialize result`,
      });
    } finally {
      await server.close();
    }
  });
});
