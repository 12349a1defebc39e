import {
  BREAKER_STATE_VALUES,
  BREAKER_STATES,
  counterRate,
  counterShare,
  eq,
  gauge,
  gaugeEnters,
  histogramBuckets,
  histogramQuantile,
  MIN_COUNTING_STEP,
  observedMean,
  re,
  THRESHOLDS,
} from '@memstack/telemetry/signals';
import { defaultBreakerTimelineOptions } from '../panels/breaker-timeline/options';
import { defaultRelevanceHeatmapOptions } from '../panels/relevance-heatmap/options';
import {
  AgentMemoryQuery,
  annotationLayer,
  layout,
  logsAndTracesLink,
  metricsQuery,
  stateMappings,
  thresholds,
  type DashboardContent,
} from './common';
import { breakerTimelinePanel, relevanceHeatmapPanel, statPanel, timeSeriesPanel, withAlertLine } from './panels';
import { agentTypeVariable, operationVariable, breakerServiceVariable, selectedAgentTypes } from './variables';

const byAgentAndOperation = { ...selectedAgentTypes, operation: re('$operation') };

export function aiAgentOps(): DashboardContent {
  const panels = layout([
    [
      timeSeriesPanel(
        'Operation rate',
        'Memory operations per second by operation, for the selected agent types.',
        'ops',
        metricsQuery(counterRate('memoryOperations', byAgentAndOperation, ['operation']), '{{operation}}')
      ).dataLinks([logsAndTracesLink()]),
      12,
      8,
    ],
    [
      withAlertLine(
        timeSeriesPanel(
          'Error rate',
          `Share of memory operations that failed, by operation. Operations without errors show 0. The red line is where HighErrorRate fires (${percent(THRESHOLDS.operationErrorShare)}).`,
          'percentunit',
          metricsQuery(
            counterShare('memoryOperations', { status: eq('error') }, byAgentAndOperation, ['operation']),
            '{{operation}}'
          )
        ),
        THRESHOLDS.operationErrorShare
      )
        .min(0)
        .dataLinks([logsAndTracesLink()]),
      12,
      8,
    ],
    [
      withAlertLine(
        timeSeriesPanel(
          'Latency p50 / p95 by operation',
          `Operation latency quantiles from the histogram buckets. The red line is where HighMemoryOperationLatency fires on p95 (${THRESHOLDS.operationLatencyP95Seconds * 1000} ms).`,
          's',
          metricsQuery(
            histogramQuantile(0.5, 'memoryOperationDuration', byAgentAndOperation, ['operation']),
            'p50 {{operation}}'
          ),
          metricsQuery(
            histogramQuantile(0.95, 'memoryOperationDuration', byAgentAndOperation, ['operation']),
            'p95 {{operation}}'
          )
        ),
        THRESHOLDS.operationLatencyP95Seconds
      ).dataLinks([logsAndTracesLink()]),
      16,
      8,
    ],
    [
      statPanel(
        'Cache hit ratio by layer',
        `Mean hit ratio of each cache layer over the rate window (summary _sum / _count). Red below ${THRESHOLDS.cacheHitRatioMin} (where LowCacheHitRatio fires), yellow below ${THRESHOLDS.cacheHitRatioGood}.`,
        'percentunit',
        metricsQuery(observedMean('cacheHitRatio', {}, ['cache_layer']), '{{cache_layer}}')
      )
        .min(0)
        .max(1)
        .thresholds(
          thresholds('red', [
            [THRESHOLDS.cacheHitRatioMin, 'yellow'],
            [THRESHOLDS.cacheHitRatioGood, 'green'],
          ])
        ),
      8,
      8,
    ],
    [
      breakerTimelinePanel(
        'Circuit breaker states',
        'State of each backend circuit breaker over time: closed, open or half-open.',
        defaultBreakerTimelineOptions,
        metricsQuery(
          gauge('max', 'circuitBreakerState', { service_name: re('$service_name') }, ['service_name']),
          '{{service_name}}'
        )
      ).mappings(stateMappings(BREAKER_STATES)),
      12,
      8,
    ],
    [
      timeSeriesPanel(
        'Active sessions by agent type',
        'Open agent sessions by agent type.',
        'short',
        metricsQuery(gauge('sum', 'activeSessions', selectedAgentTypes, ['agent_type']), '{{agent_type}}')
      ).min(0),
      12,
      8,
    ],
    [
      relevanceHeatmapPanel(
        'Relevance score distribution',
        'How relevant the retrieved memories were: observations per score bucket and step, each counted in one cell.',
        'none',
        defaultRelevanceHeatmapOptions,
        // Counts per cell: increase() over one step, windows that do not overlap (a rate over
        // $__rate_interval would be a smoothed per-second rate, not the count the panel shows).
        metricsQuery(histogramBuckets('relevanceScore', selectedAgentTypes), '{{le}}', { minStep: MIN_COUNTING_STEP })
      ),
      12,
      8,
    ],
    [
      timeSeriesPanel(
        'Batch size median by operation type',
        'Median number of items per batch operation, from the histogram buckets.',
        'short',
        metricsQuery(histogramQuantile(0.5, 'batchOperationSize', {}, ['operation_type']), '{{operation_type}}')
      ).min(0),
      12,
      8,
    ],
  ]);
  return {
    description: 'Rate, errors and latency of memory operations, cache and relevance, sessions and breakers.',
    panels,
    variables: [agentTypeVariable(), operationVariable(), breakerServiceVariable()],
    annotations: [breakerOpenings(), criticalEvents()],
  };
}

const percent = (share: number) => `${share * 100} %`;

/** A mark where a circuit breaker of the selected services opened. */
function breakerOpenings() {
  return annotationLayer(
    'Circuit breaker opened',
    'red',
    metricsQuery(
      gaugeEnters('circuitBreakerState', BREAKER_STATE_VALUES.open, 'service_name', {
        service_name: re('$service_name'),
      }),
      '{{service_name}}'
    ),
    // Metric frames have no text field; without a text Grafana shows no event.
    { text: { source: 'text', value: 'Circuit breaker opened' } }
  );
}

/** A mark at each CRITICAL AI event, with its message. */
function criticalEvents() {
  return annotationLayer(
    'CRITICAL events',
    'purple',
    new AgentMemoryQuery({ queryType: 'logs', filters: { level: ['CRITICAL'] }, sort: 'desc', limit: 100 }),
    { text: { source: 'field', value: 'body' } }
  );
}
