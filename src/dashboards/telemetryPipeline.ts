import { defaultBreakerTimelineOptions } from '../panels/breaker-timeline/options';
import { BREAKER_STATES } from './aiAgentOps';
import { layout, metricsQuery, stateMappings, type DashboardContent } from './common';
import { breakerTimelinePanel, statPanel, timeSeriesPanel } from './panels';
import { counterIncrease, counterRate, gauge, re } from './promql';

/**
 * The data source backend names its breakers "<source> <host>" (e.g. "prometheus 127.0.0.1:9090");
 * Grafana exposes them at /metrics/plugins/memstack-agentmemory-datasource when scraped.
 */
export const DATASOURCE_BREAKERS = '(prometheus|elasticsearch|jaeger) .+';

export function telemetryPipeline(): DashboardContent {
  const panels = layout([
    [
      timeSeriesPanel(
        'AI events indexed',
        'AI events per second the SDK indexed into Elasticsearch.',
        'reqps',
        metricsQuery(counterRate('eventsIndexed'), 'indexed')
      ).min(0),
      12,
      8,
    ],
    [
      timeSeriesPanel(
        'AI events dropped by reason',
        'AI events per second the SDK dropped instead of blocking its host, by reason (queue full, unavailable, rejected, closed, invalid).',
        'reqps',
        metricsQuery(counterRate('eventsDropped', {}, ['reason']), '{{reason}}')
      ).min(0),
      12,
      8,
    ],
    [
      statPanel(
        'Label values folded',
        'Label values the cardinality guard folded into __other__ in the time range, by metric and label.',
        'short',
        metricsQuery(counterIncrease('foldedLabelValues', {}, ['metric', 'label']), '{{metric}} {{label}}', {
          instant: true,
        })
      ),
      12,
      8,
    ],
    [
      breakerTimelinePanel(
        'Data source breakers',
        "The Agent Memory data source's own breaker per upstream. Needs Grafana's plugin metrics scraped (/metrics/plugins/memstack-agentmemory-datasource).",
        defaultBreakerTimelineOptions,
        metricsQuery(
          gauge('max', 'circuitBreakerState', { service_name: re(DATASOURCE_BREAKERS) }, ['service_name']),
          '{{service_name}}'
        )
      ).mappings(stateMappings(BREAKER_STATES)),
      12,
      8,
    ],
  ]);
  return {
    description:
      'What the telemetry SDK and the data source report about themselves: events indexed and dropped, labels folded, upstream breakers.',
    panels,
    variables: [],
  };
}
