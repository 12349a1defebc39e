import { ALL_METRICS, CATALOG, FORBIDDEN_METRIC_LABELS } from './catalog.js';
import { MemoryTelemetry } from './memoryTelemetry.js';
import { Registry } from 'prom-client';

// The names users' existing queries depend on (DESIGN.md "One source of truth for signals").
const DESIGN_METRICS = [
  'ai_memory_operations_total',
  'ai_memory_operation_duration_seconds',
  'ai_agent_context_size_bytes',
  'ai_cache_hit_ratio',
  'ai_agent_active_sessions',
  'ai_memory_relevance_score',
  'ai_batch_operation_size',
  'circuit_breaker_state',
  'circuit_breaker_failures_total',
  'service_degradation_level',
  'http_requests_total',
  'http_request_duration_seconds',
  'http_concurrent_requests',
  'ai_query_patterns_total',
  'ai_memory_access_interval_seconds',
  'ai_context_growth_rate_per_hour',
  'ai_decision_confidence_score',
  'ai_memory_consolidation_ratio',
  'ai_system_health_score',
  'ai_component_health',
  'ai_health_check_duration_seconds',
];

describe('signal catalog', () => {
  it('holds every metric DESIGN.md names, once each', () => {
    const names = ALL_METRICS.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of DESIGN_METRICS) {
      expect(names).toContain(name);
    }
  });

  it('keeps the guide buckets and label sets, without user_id', () => {
    expect(CATALOG.memoryOperationDuration.buckets).toEqual([
      0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5,
    ]);
    expect(CATALOG.memoryOperations.labelNames).toEqual(['operation', 'agent_type', 'status']);
    expect(CATALOG.batchOperationSize.buckets).toEqual([1, 5, 10, 20, 50, 100, 200, 500]);
    for (const metric of ALL_METRICS) {
      for (const label of FORBIDDEN_METRIC_LABELS) {
        expect(metric.labelNames).not.toContain(label);
      }
      expect(metric.name).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
      if (metric.type === 'histogram') {
        expect(metric.buckets?.length).toBeGreaterThan(0);
      }
    }
  });
});

describe('MemoryTelemetry', () => {
  it('exposes recorded operations in Prometheus text on the registry it was given', async () => {
    const registry = new Registry();
    const telemetry = new MemoryTelemetry({ registry });
    telemetry.recordOperation('search', 'coding', 'success', 0.02);
    telemetry.recordOperation('search', 'coding', 'error', 0.3);
    const text = await registry.metrics();
    expect(text).toContain('ai_memory_operations_total{operation="search",agent_type="coding",status="success"} 1');
    expect(text).toContain('ai_memory_operations_total{operation="search",agent_type="coding",status="error"} 1');
    expect(text).toContain(
      'ai_memory_operation_duration_seconds_bucket{le="0.025",operation="search",agent_type="coding"} 1'
    );
  });

  it('folds agent ids beyond the cap into __other__ and counts the folds', async () => {
    const logs: string[] = [];
    const telemetry = new MemoryTelemetry({ agentIdCap: 2, logger: (m) => logs.push(m) });
    for (const id of ['a1', 'a2', 'a3', 'a4']) {
      telemetry.setContextSize(id, 'coding', 100);
    }
    const text = (await telemetry.exposition()).body;
    expect(text).toContain('agent_id="a2"');
    expect(text).not.toContain('agent_id="a3"');
    expect(text).toContain('agent_id="__other__"');
    expect(text).toContain('ai_telemetry_label_values_folded_total{metric="agent",label="agent_id"} 2');
    expect(logs).toHaveLength(1);
  });

  it('ignores an invalid duration instead of throwing into the host', async () => {
    const logs: string[] = [];
    const telemetry = new MemoryTelemetry({ logger: (m) => logs.push(m) });
    expect(() => telemetry.recordOperation('add', 'chat', 'success', Number.NaN)).not.toThrow();
    expect(logs[0]).toContain('invalid duration');
  });
});
