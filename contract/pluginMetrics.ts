/**
 * The data source backend's own circuit breaker gauge, served by Grafana at
 * /metrics/plugins/<plugin id>, which needs no login by default (Grafana: PLUGIN-METRICS-UNAUTH,
 * docs/grafana-behaviour.md). So its labels name no upstream host: the source and an opaque
 * per-process key of the data source instance (SourceSettings.instanceKey), named instance_id
 * because Prometheus gives every scraped series its own `instance` label. Its name differs from
 * the memory service's `circuit_breaker_state`, so that neither's panels show the other's breakers,
 * whatever job names a Prometheus gives the two scrapes.
 */
export const PLUGIN_BREAKER_METRIC = {
  name: 'agentmemory_backend_circuit_breaker_state',
  type: 'gauge',
  help: 'State of the data source backend circuit breaker of one upstream source of one data source instance (0=closed, 1=open, 2=half-open)',
  labelNames: ['source', 'instance_id'],
} as const;
