/**
 * Faults injected into the running demo memory stack: Redis stopped, latency added to Neo4j,
 * Elasticsearch stopped, maintenance mode. Breakers open and close, degradation follows, the
 * health checker names the component, the host keeps serving, and everything recovers.
 * Runs after every suite that needs a steady stack (tests/faultsLastSequencer.js).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { HealthChecker, neo4jCheck, postgresCheck, redisCheck } from '../../../telemetry/src/health';
import { MemoryTelemetry } from '../../../telemetry/src/memoryTelemetry';
import { eventually, getJson, stackUrl } from '../env';

jest.setTimeout(240_000);

const repo = path.resolve(__dirname, '../../..');
const stack = (...args: string[]) =>
  execFileSync('bash', [path.join(repo, 'scripts/stack.sh'), ...args], { stdio: 'inherit', timeout: 180_000 });

/** The value of one series in the demo's own exposition, or undefined. */
async function demoValue(series: string): Promise<number | undefined> {
  // One retry: a keep-alive socket the server just closed fails the first request (an undici race).
  const text = await fetch(`${stackUrl('DEMO_URL')}/metrics`)
    .catch(() => fetch(`${stackUrl('DEMO_URL')}/metrics`))
    .then((r) => r.text());
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1).split(' ')[0]);
}

async function until(series: string, predicate: (v: number) => boolean, timeoutMs: number): Promise<number> {
  return eventually(
    async () => {
      const v = await demoValue(series);
      return v !== undefined && predicate(v) ? v : undefined;
    },
    timeoutMs,
    `${series} to change`
  );
}

/** The bearer token of the stack's demo /admin/faults, from `scripts/stack.sh env`. */
function demoAdminToken(): string {
  const token = process.env.DEMO_ADMIN_TOKEN;
  if (!token) {
    throw new Error(
      'DEMO_ADMIN_TOKEN is not set: eval "$(scripts/stack.sh env)" after scripts/stack.sh up started the demo'
    );
  }
  return token;
}

/** Sets faults in the stack's demo; /admin/faults wants the token stack.sh generated. */
async function postFault(body: unknown): Promise<void> {
  const answer = await fetch(`${stackUrl('DEMO_URL')}/admin/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${demoAdminToken()}` },
    body: JSON.stringify(body),
  });
  if (!answer.ok) {
    throw new Error(`POST /admin/faults ${JSON.stringify(body)} answered ${answer.status}: ${await answer.text()}`);
  }
}

const searches = () => demoValue('ai_memory_operations_total{operation="search",agent_type="coding",status="success"}');
const demoHealth = async () => (await getJson(`${stackUrl('DEMO_URL')}/health`)).health;

describe('faults in the demo memory stack', () => {
  afterAll(() => {
    // Whatever happened, leave the stack as it was found.
    stack('up', 'redis', 'elasticsearch');
  });

  it('Redis stopped: its breaker opens, degradation is reduced, health names redis, searches go on; all recover', async () => {
    const checker = new HealthChecker({
      telemetry: new MemoryTelemetry(),
      timeoutMs: 2000,
      checks: {
        postgresql: postgresCheck(stackUrl('POSTGRES_URL')),
        neo4j: neo4jCheck(stackUrl('NEO4J_URL')),
        redis: redisCheck(stackUrl('REDIS_URL')),
      },
    });
    expect((await checker.run()).overall_score).toBe(100);
    const failuresBefore =
      (await demoValue('circuit_breaker_failures_total{service_name="redis",error_type="ConnectionError"}')) ?? 0;

    stack('down', 'redis');
    await until('circuit_breaker_state{service_name="redis"}', (v) => v === 1, 30_000);
    expect(await demoValue('service_degradation_level{service_name="memory-api"}')).toBe(1);
    expect(
      await demoValue('circuit_breaker_failures_total{service_name="redis",error_type="ConnectionError"}')
    ).toBeGreaterThan(failuresBefore);
    const direct = await checker.run();
    expect(direct.overall_score).toBeCloseTo(66.67, 1);
    expect(direct.components.redis.healthy).toBe(false);
    const inDemo = await eventually(
      async () => {
        const h = await demoHealth();
        return h && h.components.redis.healthy === false ? h : undefined;
      },
      20_000,
      'the demo health checker to see redis down'
    );
    expect(inDemo.overall_score).toBeLessThan(100);
    const before = (await searches()) ?? 0;
    await until(
      'ai_memory_operations_total{operation="search",agent_type="coding",status="success"}',
      (v) => v > before,
      20_000
    );

    const restarted = Date.now();
    stack('up', 'redis');
    await until('circuit_breaker_state{service_name="redis"}', (v) => v === 0, 30_000);
    await until('service_degradation_level{service_name="memory-api"}', (v) => v === 0, 10_000);
    expect((await checker.run()).overall_score).toBe(100);
    process.stdout.write(`redis breaker closed ${((Date.now() - restarted) / 1000).toFixed(1)} s after restart\n`);
  });

  it('latency added to Neo4j: timeouts open its breaker and degrade to essential; removing it recovers', async () => {
    await postFault({ service: 'neo4j', latencyMs: 3000 });
    try {
      await until('circuit_breaker_state{service_name="neo4j"}', (v) => v === 1, 45_000);
      expect(await demoValue('service_degradation_level{service_name="memory-api"}')).toBe(2);
      expect(
        await demoValue('circuit_breaker_failures_total{service_name="neo4j",error_type="TimeoutError"}')
      ).toBeGreaterThan(0);
    } finally {
      await postFault({ service: 'neo4j', latencyMs: 0 });
    }
    await until('circuit_breaker_state{service_name="neo4j"}', (v) => v === 0, 30_000);
    await until('service_degradation_level{service_name="memory-api"}', (v) => v === 0, 10_000);
  });

  it('Elasticsearch stopped: events are dropped and counted, the host is unaffected; events flow again after restart', async () => {
    const dropped = () => demoValue('ai_telemetry_events_dropped_total{reason="unavailable"}');
    const indexed = () => demoValue('ai_telemetry_events_indexed_total');
    const droppedBefore = (await dropped()) ?? 0;
    stack('down', 'elasticsearch');
    await until('circuit_breaker_state{service_name="elasticsearch"}', (v) => v === 1, 45_000);
    await until('ai_telemetry_events_dropped_total{reason="unavailable"}', (v) => v > droppedBefore, 45_000);
    const before = (await searches()) ?? 0;
    await until(
      'ai_memory_operations_total{operation="search",agent_type="coding",status="success"}',
      (v) => v > before,
      20_000
    );

    stack('up', 'elasticsearch');
    const indexedAfterRestart = (await indexed()) ?? 0;
    await until('circuit_breaker_state{service_name="elasticsearch"}', (v) => v === 0, 60_000);
    await until('ai_telemetry_events_indexed_total', (v) => v > indexedAfterRestart, 30_000);
  });

  it('maintenance mode refuses writes with 503 and reports level 4', async () => {
    await postFault({ maintenance: true });
    try {
      expect(await demoValue('service_degradation_level{service_name="memory-api"}')).toBe(4);
      const write = await fetch(`${stackUrl('DEMO_URL')}/memories`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ user_id: 'u-1', agent_id: 'coding:u-1', text: 'x' }),
      });
      expect(write.status).toBe(503);
      expect((await write.json()).type).toBe('MaintenanceError');
    } finally {
      await postFault({ maintenance: false });
    }
    await until('service_degradation_level{service_name="memory-api"}', (v) => v === 0, 10_000);
  });
});
