import { MEMORY_ID_VARIABLE, queryVariable } from './common';
import { EVENT_TYPES, METRICS, re } from '@memstack/telemetry/signals';

const operations = METRICS.memoryOperations.name;
const breakers = METRICS.circuitBreakerState.name;

/** Template variables the dashboards share; each lists its values through our data source. */
export const agentTypeVariable = () =>
  queryVariable(
    'agent_type',
    'Agent type',
    { kind: 'prometheus_label_values', label: 'agent_type', match: operations },
    'Agent types that ran memory operations in the time range'
  );

/** The matcher of the agent types agentTypeVariable selects, for the panels it filters. */
export const selectedAgentTypes = { agent_type: re('$agent_type') };

export const operationVariable = () =>
  queryVariable(
    'operation',
    'Operation',
    {
      kind: 'prometheus_label_values',
      label: 'operation',
      match: `${operations}{agent_type=~"$agent_type"}`,
    },
    'Memory operations of the selected agent types'
  );

export const breakerServiceVariable = () =>
  queryVariable(
    'service_name',
    'Service',
    { kind: 'prometheus_label_values', label: 'service_name', match: breakers },
    'Backends behind a circuit breaker'
  );

export const degradedServiceVariable = () =>
  queryVariable(
    'service_name',
    'Service',
    { kind: 'prometheus_label_values', label: 'service_name', match: METRICS.degradationLevel.name },
    'Services that report a degradation level'
  );

export const eventOperationVariable = () =>
  queryVariable(
    'operation',
    'Operation',
    { kind: 'event_field_values', field: 'operation' },
    'Operations that logged AI events in the time range',
    'every-value'
  );

export const eventAgentTypeVariable = () =>
  queryVariable(
    'agent_type',
    'Agent type',
    { kind: 'event_field_values', field: 'agent_type' },
    'Agent types that logged AI events in the time range',
    'every-value'
  );

/** One memory among those changed in the time range, for the panels that show its history. */
export const memoryIdVariable = () =>
  queryVariable(
    MEMORY_ID_VARIABLE,
    'Memory',
    { kind: 'event_field_values', field: 'memory_id', query: `event_type:${EVENT_TYPES.change}` },
    'Memories changed in the time range, by id: a keyed hash unless the SDK keeps ids',
    'single'
  );

export const traceServiceVariable = () =>
  queryVariable(
    'service',
    'Traced service',
    { kind: 'jaeger_services' },
    'Services that sent traces to Jaeger',
    'single'
  );

/**
 * The scrape targets of the USE panels, as monitoring mixins offer them: a job, then the instances
 * of the chosen jobs; All is `.+`, since every scraped series carries both labels. The alert rules
 * split the same metrics by job and instance. Hosts (node exporter) and PostgreSQL servers
 * (postgres exporter) are different targets, so each has its own pair: one pair for both would
 * leave the PostgreSQL panels empty whenever a host is picked, and the other way round.
 */
function targetVariables(prefix: string, what: string, series: string) {
  const job = `${prefix}job`;
  return [
    queryVariable(
      job,
      `${what} job`,
      { kind: 'prometheus_label_values', label: 'job', match: series },
      `Scrape jobs of the ${what.toLowerCase()} exporter`,
      'regex-non-empty'
    ),
    queryVariable(
      `${prefix}instance`,
      `${what} instance`,
      { kind: 'prometheus_label_values', label: 'instance', match: `${series}{job=~"$${job}"}` },
      `Instances of the selected ${what.toLowerCase()} exporter jobs`,
      'regex-non-empty'
    ),
  ];
}

/** `job` and `instance` of the node exporter (CPU, memory), named as the node mixin names them. */
export const hostTargetVariables = () => targetVariables('', 'Host', METRICS.nodeCpuSeconds.name);

/** `pg_job` and `pg_instance` of the postgres exporter (connections, transactions). */
export const postgresTargetVariables = () => targetVariables('pg_', 'PostgreSQL', METRICS.pgMaxConnections.name);
