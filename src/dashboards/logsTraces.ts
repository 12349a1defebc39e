import * as common from '@grafana/grafana-foundation-sdk/common';
import { AgentMemoryQuery, layout, type DashboardContent } from './common';
import { logsPanel, tablePanel, timeSeriesPanel } from './panels';
import { eventAgentTypeVariable, eventOperationVariable, traceServiceVariable } from './variables';

/** Jaeger cannot search by duration order; the panel sorts this many of the newest traces. */
const RECENT_TRACES = 200;

const eventFilters = { operation: ['$operation'], agent_type: ['$agent_type'] };

export function logsTraces(): DashboardContent {
  const panels = layout([
    [
      timeSeriesPanel(
        'AI events by performance class',
        'AI events per interval by performance class (Elasticsearch).',
        'short',
        new AgentMemoryQuery({ queryType: 'logs_count', groupBy: 'performance_class', filters: eventFilters })
      ).min(0),
      12,
      8,
    ],
    [
      timeSeriesPanel(
        'AI events by error type',
        'Error events per interval by error type (Elasticsearch).',
        'short',
        new AgentMemoryQuery({
          queryType: 'logs_count',
          groupBy: 'error_type',
          filters: { ...eventFilters, level: ['ERROR'] },
        })
      ).min(0),
      12,
      8,
    ],
    [
      logsPanel(
        'Latest errors',
        'The most recent error events; each line links to its trace.',
        new AgentMemoryQuery({
          queryType: 'logs',
          filters: { ...eventFilters, level: ['ERROR'] },
          sort: 'desc',
          limit: 100,
        })
      ),
      24,
      9,
    ],
    [
      tablePanel(
        'Slowest recent traces',
        `The most recent ${RECENT_TRACES} traces of the selected service (Jaeger's search returns the newest first), slowest first; click a trace id to open it.`,
        'none',
        new AgentMemoryQuery({ queryType: 'traces', service: '$service', limit: RECENT_TRACES })
      ).sortBy([new common.TableSortByFieldStateBuilder().displayName('duration').desc(true)]),
      12,
      9,
    ],
    [
      tablePanel(
        'Operations: latency, errors, top error types and slowest traces',
        'Each operation with its p99 latency and error rate (Prometheus), top error types (Elasticsearch) and slowest traces (Jaeger), linked to its logs and traces.',
        'none',
        new AgentMemoryQuery({ queryType: 'correlate', service: '$service' })
      ),
      12,
      9,
    ],
  ]);
  return {
    description: 'AI events from Elasticsearch and traces from Jaeger, with the operations that connect them.',
    panels,
    variables: [eventAgentTypeVariable(), eventOperationVariable(), traceServiceVariable()],
  };
}
