import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { Registry } from 'prom-client';
import { MAX_REPORT_KINDS, MemoryTelemetry } from './memoryTelemetry.js';

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

describe('series cap per metric', () => {
  it('bounds the label sets of a metric, not only the values of each label, and counts the folds', async () => {
    // 40 operations × 40 agent types: every value within the label cap of 100, 1,600 label sets.
    const telemetry = new MemoryTelemetry();
    for (let op = 0; op < 40; op++) {
      for (let type = 0; type < 40; type++) {
        telemetry.recordOperation(`op-${op}`, `type-${type}`, 'success', 0.01);
      }
    }
    const text = (await telemetry.exposition()).body;
    const series = text.split('\n').filter((line) => line.startsWith('ai_memory_operations_total{'));
    expect(series.length).toBe(1001);
    expect(text).toContain(
      'ai_memory_operations_total{operation="__other__",agent_type="__other__",status="__other__"} 600'
    );
    expect(text).toContain(
      'ai_telemetry_label_values_folded_total{metric="ai_memory_operations_total",label="__series__"} 600'
    );
  });

  it('takes its cap from seriesCap, per metric', async () => {
    const telemetry = new MemoryTelemetry({ seriesCap: 2 });
    for (const layer of ['redis', 'vector', 'graph']) {
      telemetry.trackCacheHit(layer, 'search', true);
      telemetry.setActiveSessions(layer, 1);
    }
    const text = (await telemetry.exposition()).body;
    expect(text).toContain('ai_cache_hit_ratio_count{cache_layer="__other__",operation="__other__"} 1');
    expect(text).not.toContain('cache_layer="graph"');
    expect(text).toContain('ai_agent_active_sessions{agent_type="__other__"} 1');
  });

  it('records a status other than success or error as error, and says so once', async () => {
    const logs: string[] = [];
    const telemetry = new MemoryTelemetry({ logger: (m) => logs.push(m) });
    for (const status of ['timeout', 'failed', 'ok', 'timeout']) {
      telemetry.recordOperation('search', 'coding', status as 'error', 0.01);
    }
    const text = (await telemetry.exposition()).body;
    expect(text).toContain('ai_memory_operations_total{operation="search",agent_type="coding",status="error"} 4');
    expect(text).not.toMatch(/status="(timeout|failed|ok)"/);
    expect(logs).toEqual(['telemetry: an operation status other than "success" or "error" was recorded as "error"']);
  });
});

describe('misuse reports', () => {
  it('are keyed by kind, not by value: 10,000 distinct bad values give one report each kind', () => {
    const logs: string[] = [];
    const telemetry = new MemoryTelemetry({ logger: (m) => logs.push(m) });
    for (let i = 0; i < 10_000; i++) {
      telemetry.setContextSize('coding:a', 'coding', `bad-${i}` as unknown as number);
      telemetry.recordOperation('search', 'coding', 'success', -i - 1);
    }
    expect(logs).toEqual([
      'telemetry: could not record a metric: invalid context size bad-0',
      'telemetry: ignored an invalid duration (-1 s) of search',
    ]);
  });

  it('remember a bounded number of kinds, whatever keys callers pass', () => {
    const logs: string[] = [];
    const telemetry = new MemoryTelemetry({ logger: (m) => logs.push(m) });
    for (let i = 0; i < 10_000; i++) {
      telemetry.reportOnce(`key-${i}`, `message ${i}`);
    }
    expect(logs.length).toBe(MAX_REPORT_KINDS);
    expect(logs.at(-1)).toContain('further distinct reports are suppressed');
  });
});
