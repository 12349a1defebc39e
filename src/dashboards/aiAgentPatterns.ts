import {
  counterRate,
  gauge,
  histogramQuantile,
  ne,
  OTHER_LABEL_VALUE,
  topOverRange,
} from '@memstack/telemetry/signals';
import { layout, metricsQuery, type DashboardContent } from './common';
import { timeSeriesPanel } from './panels';
import { agentTypeVariable, selectedAgentTypes } from './variables';

/** Agents the SDK folded into one `__other__` series past its label cap are no single agent. */
const namedAgents = { agent_id: ne(OTHER_LABEL_VALUE) };

/** Bytes per hour, with SI prefixes (kB/h, MB/h): Grafana has no such unit of its own. */
export const BYTES_PER_HOUR = 'si:B/h';

export function aiAgentPatterns(): DashboardContent {
  const panels = layout([
    [
      timeSeriesPanel(
        'Query patterns',
        'Memory queries per second by detected pattern (semantic, temporal, entity…).',
        'reqps',
        metricsQuery(counterRate('queryPatterns', selectedAgentTypes, ['pattern_type']), '{{pattern_type}}')
      ).min(0),
      12,
      8,
    ],
    [
      timeSeriesPanel(
        'Memory access interval p50 / p90',
        'Time between successive memory accesses of an agent, by agent type, from the histogram buckets.',
        's',
        metricsQuery(
          histogramQuantile(0.5, 'memoryAccessInterval', selectedAgentTypes, ['agent_type']),
          'p50 {{agent_type}}'
        ),
        metricsQuery(
          histogramQuantile(0.9, 'memoryAccessInterval', selectedAgentTypes, ['agent_type']),
          'p90 {{agent_type}}'
        )
      ).min(0),
      12,
      8,
    ],
    [
      timeSeriesPanel(
        'Context size (top 10 agents)',
        'Context held by the ten agents whose context was largest in the time range (ranked once over the range).',
        'bytes',
        metricsQuery(
          topOverRange(10, 'contextSize', 'agent_id', { ...selectedAgentTypes, ...namedAgents }),
          '{{agent_id}}'
        )
      ).min(0),
      12,
      8,
    ],
    [
      timeSeriesPanel(
        'Context growth rate (top 10 agents)',
        'Least-squares growth of each agent context, in bytes per hour, for the ten agents that grew fastest in the time range; a steady climb is a leak.',
        BYTES_PER_HOUR,
        metricsQuery(topOverRange(10, 'contextGrowthRate', 'agent_id', namedAgents), '{{agent_id}}')
      ),
      12,
      8,
    ],
    [
      timeSeriesPanel(
        'Decision confidence p50 by decision type',
        'Median confidence of agent decisions, from the histogram buckets.',
        'percentunit',
        metricsQuery(
          histogramQuantile(0.5, 'decisionConfidence', selectedAgentTypes, ['decision_type']),
          '{{decision_type}}'
        )
      )
        .min(0)
        .max(1),
      12,
      8,
    ],
    [
      timeSeriesPanel(
        'Consolidation ratio',
        'Share of memories merged by consolidation, by agent type.',
        'percentunit',
        metricsQuery(gauge('avg', 'consolidationRatio', selectedAgentTypes, ['agent_type']), '{{agent_type}}')
      )
        .min(0)
        .max(1),
      12,
      8,
    ],
  ]);
  return {
    description:
      'How agents use memory: query patterns, access intervals, context size and growth, confidence, consolidation.',
    panels,
    variables: [agentTypeVariable()],
  };
}
