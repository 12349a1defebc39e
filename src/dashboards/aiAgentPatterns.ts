import { layout, metricsQuery, type DashboardContent } from './common';
import { timeSeriesPanel } from './panels';
import { counterRate, gauge, histogramQuantile, re, topGauge } from './promql';
import { agentTypeVariable } from './variables';

const byAgent = { agent_type: re('$agent_type') };

export function aiAgentPatterns(): DashboardContent {
  const panels = layout([
    [
      timeSeriesPanel(
        'Query patterns',
        'Memory queries per second by detected pattern (semantic, temporal, entity…).',
        'reqps',
        metricsQuery(counterRate('queryPatterns', byAgent, ['pattern_type']), '{{pattern_type}}')
      ).min(0),
      12,
      8,
    ],
    [
      timeSeriesPanel(
        'Memory access interval p50 / p90',
        'Time between successive memory accesses of an agent, by agent type, from the histogram buckets.',
        's',
        metricsQuery(histogramQuantile(0.5, 'memoryAccessInterval', byAgent, ['agent_type']), 'p50 {{agent_type}}'),
        metricsQuery(histogramQuantile(0.9, 'memoryAccessInterval', byAgent, ['agent_type']), 'p90 {{agent_type}}')
      ).min(0),
      12,
      8,
    ],
    [
      timeSeriesPanel(
        'Context size (top 10 agents)',
        'Context held by the ten agents with the largest context.',
        'bytes',
        metricsQuery(topGauge(10, 'contextSize', byAgent), '{{agent_id}}')
      ).min(0),
      12,
      8,
    ],
    [
      timeSeriesPanel(
        'Context growth rate (top 10 agents)',
        'Least-squares growth of each agent context, in bytes per hour; a steady climb is a leak.',
        'bytes',
        metricsQuery(topGauge(10, 'contextGrowthRate'), '{{agent_id}}')
      ),
      12,
      8,
    ],
    [
      timeSeriesPanel(
        'Decision confidence p50 by decision type',
        'Median confidence of agent decisions, from the histogram buckets.',
        'percentunit',
        metricsQuery(histogramQuantile(0.5, 'decisionConfidence', byAgent, ['decision_type']), '{{decision_type}}')
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
        metricsQuery(gauge('avg', 'consolidationRatio', byAgent, ['agent_type']), '{{agent_type}}')
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
