import { createServer, type AddressInfo, type Socket } from 'node:net';
import { HealthChecker, postgresCheck, redisCheck, type HealthCheck } from './health.js';
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
async function silentServer(): Promise<{ port: number; open: () => number; accepted: () => number; close: () => Promise<void> }> {
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
  it.each(cases)('%s: each timed-out check closes its client, so at most one socket stays open', async (name, check) => {
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
  });
});
