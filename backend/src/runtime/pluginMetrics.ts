import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { PLUGIN_BREAKER_METRIC } from '@memstack/telemetry/signals';

/** The backend's own metrics, returned by CollectMetrics (Grafana serves them at /metrics/plugins/<id>). */
export function createPluginMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'agentmemory_backend_' });
  const queries = new Counter({
    name: 'agentmemory_backend_queries_total',
    help: 'Queries answered by the agent memory data source backend, by query type and outcome',
    labelNames: ['query_type', 'status'],
    registers: [registry],
  });
  const queryDuration = new Histogram({
    name: 'agentmemory_backend_query_duration_seconds',
    help: 'Time to answer one query, by query type',
    labelNames: ['query_type'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  // Sub-millisecond buckets: the backend's own work per query is meant to stay under 2 ms.
  const phaseBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5, 10];
  const queryPhases = new Histogram({
    name: 'agentmemory_backend_query_phase_seconds',
    help: 'Where one query spends its time, by query type and phase: upstream (waiting for the source), parse (JSON), frames (checks and frame building), encode (Arrow)',
    labelNames: ['query_type', 'phase'],
    buckets: phaseBuckets,
    registers: [registry],
  });
  const requestDuration = new Histogram({
    name: 'agentmemory_backend_querydata_seconds',
    help: 'Time from a decoded QueryData request to its encoded answer (the rest of what Grafana waits for is gRPC)',
    buckets: phaseBuckets,
    registers: [registry],
  });
  const circuitBreakerState = new Gauge({
    name: PLUGIN_BREAKER_METRIC.name,
    help: PLUGIN_BREAKER_METRIC.help,
    labelNames: [...PLUGIN_BREAKER_METRIC.labelNames],
    registers: [registry],
  });
  return { registry, queries, queryDuration, queryPhases, requestDuration, circuitBreakerState };
}

export type PluginMetrics = ReturnType<typeof createPluginMetrics>;
