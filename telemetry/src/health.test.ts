import { HealthChecker } from './health.js';
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
