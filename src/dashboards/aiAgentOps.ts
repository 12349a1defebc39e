import * as common from '@grafana/grafana-foundation-sdk/common';
import { BREAKER_STATE_VALUES } from '../../telemetry/src/catalog';
import { defaultBreakerTimelineOptions } from '../panels/breaker-timeline/options';
import { defaultRelevanceHeatmapOptions } from '../panels/relevance-heatmap/options';
import { layout, logsAndTracesLink, metricsQuery, stateMappings, thresholds, type DashboardContent } from './common';
import { breakerTimelinePanel, relevanceHeatmapPanel, statPanel, timeSeriesPanel } from './panels';
import { counterRate, counterShare, eq, gauge, histogramBuckets, histogramQuantile, re, summaryMean } from './promql';
import { agentTypeVariable, operationVariable, breakerServiceVariable } from './variables';

const byAgent = { agent_type: re('$agent_type') };
const byAgentAndOperation = { agent_type: re('$agent_type'), operation: re('$operation') };

export const BREAKER_STATES = [
  { value: BREAKER_STATE_VALUES.closed, text: 'closed', color: 'green' },
  { value: BREAKER_STATE_VALUES.open, text: 'open', color: 'red' },
  { value: BREAKER_STATE_VALUES.half_open, text: 'half-open', color: 'yellow' },
];

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
      timeSeriesPanel(
        'Error rate',
        'Share of memory operations that failed, by operation. Operations without errors show 0.',
        'percentunit',
        metricsQuery(
          counterShare('memoryOperations', { status: eq('error') }, byAgentAndOperation, ['operation']),
          '{{operation}}'
        )
      )
        .min(0)
        .dataLinks([logsAndTracesLink()]),
      12,
      8,
    ],
    [
      timeSeriesPanel(
        'Latency p50 / p99 by operation',
        'Operation latency quantiles from the histogram buckets. The red line is the 100 ms objective.',
        's',
        metricsQuery(
          histogramQuantile(0.5, 'memoryOperationDuration', byAgentAndOperation, ['operation']),
          'p50 {{operation}}'
        ),
        metricsQuery(
          histogramQuantile(0.99, 'memoryOperationDuration', byAgentAndOperation, ['operation']),
          'p99 {{operation}}'
        )
      )
        .thresholds(thresholds('transparent', [[0.1, 'red']]))
        .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Line))
        .dataLinks([logsAndTracesLink()]),
      16,
      8,
    ],
    [
      statPanel(
        'Cache hit ratio by layer',
        'Mean hit ratio of each cache layer over the rate window (summary _sum / _count). Red below 0.7, yellow below 0.85.',
        'percentunit',
        metricsQuery(summaryMean('cacheHitRatio', {}, ['cache_layer']), '{{cache_layer}}')
      )
        .min(0)
        .max(1)
        .thresholds(
          thresholds('red', [
            [0.7, 'yellow'],
            [0.85, 'green'],
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
        metricsQuery(gauge('sum', 'activeSessions', byAgent, ['agent_type']), '{{agent_type}}')
      ).min(0),
      12,
      8,
    ],
    [
      relevanceHeatmapPanel(
        'Relevance score distribution',
        'How relevant the retrieved memories were: observations per score bucket and step.',
        'none',
        defaultRelevanceHeatmapOptions,
        metricsQuery(histogramBuckets('relevanceScore', byAgent), '{{le}}')
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
  };
}
