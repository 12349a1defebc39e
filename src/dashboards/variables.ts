import { queryVariable } from './common';
import { METRICS } from './metrics';

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

export const traceServiceVariable = () =>
  queryVariable(
    'service',
    'Traced service',
    { kind: 'jaeger_services' },
    'Services that sent traces to Jaeger',
    'single'
  );
