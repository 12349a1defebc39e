import {
  COMPONENT_HEALTH_VALUES,
  counterRate,
  counterRateOrZero,
  counterShare,
  cpuBusy,
  DEGRADATION_LEVELS,
  gauge,
  histogramQuantile,
  re,
  THRESHOLDS,
} from '@memstack/telemetry/signals';
import { layout, logsAndTracesLink, metricsQuery, stateMappings, thresholds, type DashboardContent } from './common';
import { statPanel, stateTimelinePanel, timeSeriesPanel, withAlertLine } from './panels';
import { degradedServiceVariable, hostTargetVariables, postgresTargetVariables } from './variables';

const byService = { service_name: re('$service_name') };
/** The scrape targets picked in the target variables, split by job and instance as the alert rules are. */
const byHost = { job: re('$job'), instance: re('$instance') };
const byPostgres = { job: re('$pg_job'), instance: re('$pg_instance') };
const perTarget: Array<'job' | 'instance'> = ['job', 'instance'];

export function systemHealth(): DashboardContent {
  const memoryUsed = `1 - ${gauge('max', 'nodeMemoryAvailable', byHost, perTarget)} / ${gauge('max', 'nodeMemoryTotal', byHost, perTarget)}`;
  const panels = layout([
    [
      stateTimelinePanel(
        'Degradation level by service',
        'Degradation level of each service: normal, reduced, essential, read-only or maintenance.',
        'none',
        metricsQuery(gauge('max', 'degradationLevel', byService, ['service_name']), '{{service_name}}')
      ).mappings(stateMappings(DEGRADATION_LEVELS)),
      24,
      7,
    ],
    [
      statPanel(
        'Overall health score',
        `Health score of the memory stack from its component checks (0–100): red below ${THRESHOLDS.healthScoreDegraded}, yellow below ${THRESHOLDS.healthScoreHealthy}.`,
        'none',
        metricsQuery(gauge('max', 'systemHealthScore'), 'score')
      )
        .min(0)
        .max(100)
        .thresholds(
          thresholds('red', [
            [THRESHOLDS.healthScoreDegraded, 'yellow'],
            [THRESHOLDS.healthScoreHealthy, 'green'],
          ])
        ),
      6,
      6,
    ],
    [
      statPanel(
        'Component health',
        `Health of each component the checker probes: ${COMPONENT_HEALTH_VALUES.healthy} healthy, ${COMPONENT_HEALTH_VALUES.unhealthy} unhealthy (the lowest of its reporters).`,
        'none',
        metricsQuery(gauge('min', 'componentHealth', {}, ['component']), '{{component}}')
      )
        .mappings(
          stateMappings([
            { value: COMPONENT_HEALTH_VALUES.unhealthy, display: 'unhealthy', colour: 'red' },
            { value: COMPONENT_HEALTH_VALUES.healthy, display: 'healthy', colour: 'green' },
          ])
        )
        .thresholds(thresholds('red', [[COMPONENT_HEALTH_VALUES.healthy, 'green']])),
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
        'Share of CPU time not idle, by host (node exporter), for the selected host jobs and instances.',
        'percentunit',
        metricsQuery(cpuBusy(byHost, perTarget), '{{instance}}')
      )
        .min(0)
        .max(1),
      12,
      7,
    ],
    [
      withAlertLine(
        timeSeriesPanel(
          'Memory used',
          `Share of each host's memory in use: 1 − MemAvailable / MemTotal (node exporter). The red line is where HighMemoryUsage fires (${THRESHOLDS.memoryUse * 100} %).`,
          'percentunit',
          metricsQuery(memoryUsed, '{{instance}}')
        ),
        THRESHOLDS.memoryUse
      )
        .min(0)
        .max(1),
      12,
      7,
    ],
    [
      timeSeriesPanel(
        'PostgreSQL connections',
        'Open connections against max_connections of each server (postgres exporter), for the selected PostgreSQL jobs and instances.',
        'short',
        metricsQuery(gauge('sum', 'pgConnections', byPostgres, [...perTarget, 'server']), '{{server}} connections'),
        metricsQuery(
          gauge('max', 'pgMaxConnections', byPostgres, [...perTarget, 'server']),
          '{{server}} max_connections'
        )
      ).min(0),
      12,
      7,
    ],
    [
      timeSeriesPanel(
        'PostgreSQL longest transaction',
        'Age of the oldest open transaction of each server (postgres exporter).',
        's',
        metricsQuery(gauge('max', 'pgLongestTransaction', byPostgres, [...perTarget, 'server']), '{{server}}')
      ).min(0),
      12,
      7,
    ],
    [
      timeSeriesPanel(
        'HTTP request rate by endpoint',
        'HTTP requests per second, by endpoint: the rate of RED.',
        'reqps',
        metricsQuery(counterRate('httpRequests', {}, ['endpoint']), '{{endpoint}}')
      )
        .min(0)
        .dataLinks([logsAndTracesLink('endpoint')]),
      12,
      7,
    ],
    [
      withAlertLine(
        timeSeriesPanel(
          'HTTP error share by endpoint',
          `Share of HTTP requests answered with a 5xx status, by endpoint. The red line is where HighHttpErrorRate fires (${THRESHOLDS.httpServerErrorShare * 100} %).`,
          'percentunit',
          metricsQuery(counterShare('httpRequests', { status: re('5..') }, {}, ['endpoint']), '{{endpoint}}')
        ),
        THRESHOLDS.httpServerErrorShare
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
    description:
      'Degradation, component health, host and PostgreSQL resources per scrape target, HTTP rate, errors and latency.',
    panels,
    variables: [degradedServiceVariable(), ...hostTargetVariables(), ...postgresTargetVariables()],
  };
}
