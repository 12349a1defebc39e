import { defaultBreakerTimelineOptions } from '../panels/breaker-timeline/options';
import { BREAKER_STATES, counterIncrease, counterRate, gauge } from '@memstack/telemetry/signals';
import { layout, metricsQuery, stateMappings, type DashboardContent } from './common';
import { breakerTimelinePanel, statPanel, timeSeriesPanel } from './panels';

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
        "The Agent Memory data source's own breaker per upstream source of each data source instance (an opaque instance id: the metric is public, so it names no host). Needs Grafana's plugin metrics scraped (/metrics/plugins/memstack-agentmemory-datasource).",
        defaultBreakerTimelineOptions,
        // Its own metric name, not the memory service's circuit_breaker_state: the two never mix,
        // whatever job names the scrapes have (job names are the operator's choice).
        metricsQuery(
          gauge('max', 'dataSourceBreakerState', {}, ['source', 'instance_id']),
          '{{source}} {{instance_id}}'
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
