import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { Registry } from 'prom-client';
import { MemoryTelemetry } from './memoryTelemetry.js';

describe('MemoryTelemetry helpers', () => {
  it('encodes breaker states and degradation levels as the guide does, unknown as -1', async () => {
    const telemetry = new MemoryTelemetry();
    telemetry.setCircuitBreakerState('redis', 'half_open');
    telemetry.setCircuitBreakerState('neo4j', 'half-open');
    telemetry.setCircuitBreakerState('pg', 'weird');
    telemetry.setDegradationLevel('memory-api', 'readonly');
    telemetry.setDegradationLevel('x', 'nope');
    const text = (await telemetry.exposition()).body;
    expect(text).toContain('circuit_breaker_state{service_name="redis"} 2');
    expect(text).toContain('circuit_breaker_state{service_name="neo4j"} 2');
    expect(text).toContain('circuit_breaker_state{service_name="pg"} -1');
    expect(text).toContain('service_degradation_level{service_name="memory-api"} 3');
    expect(text).toContain('service_degradation_level{service_name="x"} -1');
  });

  it('records cache hits as a summary of 1s and 0s per layer', async () => {
    const telemetry = new MemoryTelemetry();
    telemetry.trackCacheHit('redis', 'search', true);
    telemetry.trackCacheHit('redis', 'search', false);
    telemetry.trackCacheHit('redis', 'search', true);
    const text = (await telemetry.exposition()).body;
    expect(text).toContain('ai_cache_hit_ratio_sum{cache_layer="redis",operation="search"} 2');
    expect(text).toContain('ai_cache_hit_ratio_count{cache_layer="redis",operation="search"} 3');
  });

  it('reports invalid label values once and records them as usable text', async () => {
    const logs: string[] = [];
    const telemetry = new MemoryTelemetry({ logger: (m) => logs.push(m) });
    telemetry.trackBatchSize(undefined as unknown as string, 5);
    telemetry.trackBatchSize(undefined as unknown as string, 5);
    telemetry.trackRelevanceScore('coding', Number.NaN);
    telemetry.trackRelevanceScore('coding', Number.NaN);
    expect(logs).toEqual([
      'telemetry: label operation_type had no value; recorded as "unknown"',
      'telemetry: could not record a metric: invalid relevance score NaN',
    ]);
    expect((await telemetry.exposition()).body).toContain('ai_batch_operation_size_count{operation_type="unknown"} 2');
  });

  it('tracks access intervals per agent type and the growth rate per agent', async () => {
    const telemetry = new MemoryTelemetry();
    telemetry.trackMemoryAccess('coding', undefined, 1000);
    telemetry.trackMemoryAccess('coding', undefined, 3000);
    expect(telemetry.updateContextGrowth('agent-1', [0, 10])).toBeCloseTo(36_000);
    expect(telemetry.trackQueryPattern('what is this', 'coding')).toBe('exploration');
    const text = (await telemetry.exposition()).body;
    expect(text).toContain('ai_memory_access_interval_seconds_bucket{le="5",agent_type="coding"} 1');
    expect(text).toContain('ai_context_growth_rate_per_hour{agent_id="agent-1"} 36000');
    expect(text).toContain('ai_query_patterns_total{pattern_type="exploration",agent_type="coding"} 1');
  });

  it('never puts the user part of an agent id "type:user" into the agent_id label unless the policy keeps it', async () => {
    const hashed = new MemoryTelemetry({ privacy: { hashKey: 'k' } });
    hashed.setContextSize('coding:u-alice', 'coding', 10);
    const label = hashed.agentIdLabel('coding:u-alice');
    expect(label).toMatch(/^coding:h:[0-9a-f]{32}$/);
    expect((await hashed.exposition()).body).not.toContain('u-alice');
    const dropped = new MemoryTelemetry({ privacy: { userId: 'drop' } });
    expect(dropped.agentIdLabel('coding:u-alice')).toBe('coding');
    const kept = new MemoryTelemetry({ privacy: { userId: 'keep' } });
    expect(kept.agentIdLabel('coding:u-alice')).toBe('coding:u-alice');
  });

  it('puts the active trace id on the latency histogram as an exemplar when the registry speaks OpenMetrics', async () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    try {
      const registry = new Registry<typeof Registry.OPENMETRICS_CONTENT_TYPE>();
      registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
      const telemetry = new MemoryTelemetry({ registry });
      expect(telemetry.exemplars).toBe(true);
      const traceId = '0af7651916cd43dd8448eb211c80319c';
      const span = trace.wrapSpanContext({ traceId, spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED });
      context.with(trace.setSpan(context.active(), span), () =>
        telemetry.recordOperation('search', 'coding', 'success', 0.02)
      );
      const text = await registry.metrics();
      expect(text).toMatch(
        new RegExp(
          `ai_memory_operation_duration_seconds_bucket\\{le="0.025",operation="search",agent_type="coding"\\} 1 # \\{trace_id="${traceId}"\\} 0.02`
        )
      );
    } finally {
      context.disable();
    }
  });
});

describe('label guard on every caller-supplied label', () => {
  it('folds new values of any label beyond its cap into __other__ and counts them', async () => {
    const telemetry = new MemoryTelemetry({ labelCap: 2 });
    for (const operation of ['search', 'add', 'attacker-1', 'attacker-2']) {
      telemetry.recordOperation(operation, 'coding', 'success', 0.01);
    }
    const text = (await telemetry.exposition()).body;
    expect(text).toContain('ai_memory_operations_total{operation="search",agent_type="coding",status="success"} 1');
    expect(text).toContain('ai_memory_operations_total{operation="__other__",agent_type="coding",status="success"} 2');
    expect(text).not.toContain('attacker');
    expect(text).toContain('ai_telemetry_label_values_folded_total{metric="all",label="operation"} 2');
  });
});
