import { DEGRADATION_LEVEL_VALUES } from '../../telemetry/src/catalog';
import { layout, logsAndTracesLink, metricsQuery, stateMappings, thresholds, type DashboardContent } from './common';
import { statPanel, stateTimelinePanel, timeSeriesPanel } from './panels';
import { counterRateOrZero, counterShare, cpuBusy, gauge, histogramQuantile, re } from './promql';
import { degradedServiceVariable } from './variables';

export const DEGRADATION_STATES = [
  { value: DEGRADATION_LEVEL_VALUES.normal, text: 'normal', color: 'green' },
  { value: DEGRADATION_LEVEL_VALUES.reduced, text: 'reduced', color: 'yellow' },
  { value: DEGRADATION_LEVEL_VALUES.essential, text: 'essential', color: 'orange' },
  { value: DEGRADATION_LEVEL_VALUES.readonly, text: 'read-only', color: 'red' },
  { value: DEGRADATION_LEVEL_VALUES.maintenance, text: 'maintenance', color: 'blue' },
];

const byService = { service_name: re('$service_name') };

export function systemHealth(): DashboardContent {
  const memoryUsed = `1 - ${gauge('sum', 'nodeMemoryAvailable')} / ${gauge('sum', 'nodeMemoryTotal')}`;
  const panels = layout([
    [
      stateTimelinePanel(
        'Degradation level by service',
        'Degradation level of each service: normal, reduced, essential, read-only or maintenance.',
        'none',
        metricsQuery(gauge('max', 'degradationLevel', byService, ['service_name']), '{{service_name}}')
      ).mappings(stateMappings(DEGRADATION_STATES)),
      24,
      7,
    ],
    [
      statPanel(
        'Overall health score',
        'Health score of the memory stack from its component checks (0–100).',
        'none',
        metricsQuery(gauge('max', 'systemHealthScore'), 'score')
      )
        .min(0)
        .max(100)
        .thresholds(
          thresholds('red', [
            [50, 'yellow'],
            [80, 'green'],
          ])
        ),
      6,
      6,
    ],
    [
      statPanel(
        'Component health',
        'Health of each component the checker probes: 1 healthy, 0 unhealthy.',
        'none',
        metricsQuery(gauge('min', 'componentHealth', {}, ['component']), '{{component}}')
      )
        .mappings(
          stateMappings([
            { value: 0, text: 'unhealthy', color: 'red' },
            { value: 1, text: 'healthy', color: 'green' },
          ])
        )
        .thresholds(thresholds('red', [[1, 'green']])),
      18,
      6,
    ],
    [
      timeSeriesPanel(
        'Health check duration',
        'Time the last health check of the memory stack took.',
        's',
        metricsQuery(gauge('max', 'healthCheckDuration'), 'health check')
      ).min(0),
      12,
      7,
    ],
    [
      timeSeriesPanel(
        'Circuit breaker failures by service',
        'Failures counted by each backend circuit breaker per second; 0 for breakers that have not failed.',
        'reqps',
        metricsQuery(
          counterRateOrZero('circuitBreakerFailures', 'circuitBreakerState', ['service_name']),
          '{{service_name}}'
        )
      ).min(0),
      12,
      7,
    ],
    [
      timeSeriesPanel(
        'CPU busy',
        'Share of CPU time not idle on the host (node exporter).',
        'percentunit',
        metricsQuery(cpuBusy(), 'cpu busy')
      )
        .min(0)
        .max(1),
      12,
      7,
    ],
    [
      timeSeriesPanel(
        'Memory used',
        'Share of the host memory in use: 1 − MemAvailable / MemTotal (node exporter).',
        'percentunit',
        metricsQuery(memoryUsed, 'memory used')
      )
        .min(0)
        .max(1),
      12,
      7,
    ],
    [
      timeSeriesPanel(
        'PostgreSQL connections',
        'Open connections against max_connections (postgres exporter).',
        'short',
        metricsQuery(gauge('sum', 'pgConnections'), 'connections'),
        metricsQuery(gauge('max', 'pgMaxConnections'), 'max_connections')
      ).min(0),
      12,
      7,
    ],
    [
      timeSeriesPanel(
        'PostgreSQL longest transaction',
        'Age of the oldest open transaction (postgres exporter).',
        's',
        metricsQuery(gauge('max', 'pgLongestTransaction'), 'longest transaction')
      ).min(0),
      12,
      7,
    ],
    [
      timeSeriesPanel(
        'HTTP error share by endpoint',
        'Share of HTTP requests answered with a 5xx status, by endpoint.',
        'percentunit',
        metricsQuery(counterShare('httpRequests', { status: re('5..') }, {}, ['endpoint']), '{{endpoint}}')
      )
        .min(0)
        .dataLinks([logsAndTracesLink('endpoint')]),
      12,
      7,
    ],
    [
      timeSeriesPanel(
        'HTTP requests in flight',
        'HTTP requests being served at each scrape.',
        'short',
        metricsQuery(gauge('sum', 'httpConcurrentRequests'), 'in flight')
      ).min(0),
      12,
      7,
    ],
    [
      timeSeriesPanel(
        'HTTP latency p99 by endpoint',
        'HTTP request latency 99th percentile from the histogram buckets, by endpoint.',
        's',
        metricsQuery(histogramQuantile(0.99, 'httpRequestDuration', {}, ['endpoint']), '{{endpoint}}')
      ).dataLinks([logsAndTracesLink('endpoint')]),
      12,
      7,
    ],
  ]);
  return {
    description: 'Degradation, component health, host and PostgreSQL resources, HTTP errors and latency.',
    panels,
    variables: [degradedServiceVariable()],
  };
}
