import * as common from '@grafana/grafana-foundation-sdk/common';
import {
  EVENT_TYPES,
  counterRate,
  counterShare,
  gauge,
  gaugeChange,
  histogramBuckets,
  histogramQuantile,
  histogramShareAtMost,
  MIN_COUNTING_STEP,
  observedMean,
  re,
} from '@memstack/telemetry/signals';
import { defaultRelevanceHeatmapOptions } from '../panels/relevance-heatmap/options';
import {
  AgentMemoryQuery,
  layout,
  memoryHistoryLink,
  metricsQuery,
  MEMORY_ID_VARIABLE,
  type DashboardContent,
} from './common';
import { logsPanel, relevanceHeatmapPanel, tablePanel, timeSeriesPanel } from './panels';
import { agentTypeVariable, memoryIdVariable, selectedAgentTypes } from './variables';

const changes = { event_type: [EVENT_TYPES.change] };
const selectedMemory = { ...changes, memory_id: [`$${MEMORY_ID_VARIABLE}`] };

/** The most-changed memories of the range: Elasticsearch's top memory ids by count, summed per memory. */
function mostChangedMemories() {
  return tablePanel(
    'Most-changed memories',
    'The memories written most often in the time range (adds, updates and deletes), by id: a keyed hash unless the SDK keeps ids. Click a row for its history and the traces of its writes.',
    'none',
    new AgentMemoryQuery({ queryType: 'logs_count', groupBy: 'memory_id', filters: changes })
  )
    .transformations([
      // One series per memory → one row per memory, with its total; the table's sort and link
      // name the transformed fields. Grafana: PREVIEW-TRANSFORMATIONS (docs/grafana-behaviour.md).
      { id: 'reduce', options: { mode: 'seriesToRows', reducers: ['sum'], includeTimeField: false } },
      { id: 'organize', options: { renameByName: { Field: 'Memory', Total: 'Changes' } } },
    ])
    .sortBy([new common.TableSortByFieldStateBuilder().displayName('Changes').desc(true)])
    .dataLinks([memoryHistoryLink('Field')]);
}

/** The writes of the selected memory, newest first, each with the trace it was written in. */
function memoryWrites() {
  return tablePanel(
    `Writes of memory $${MEMORY_ID_VARIABLE}`,
    'Each write of the selected memory: what it did, its old and new sizes, and the trace it ran in (click the trace id to open it).',
    'none',
    new AgentMemoryQuery({ queryType: 'logs', filters: selectedMemory, sort: 'desc', limit: 100 })
  ).transformations([
    {
      id: 'organize',
      options: {
        excludeByName: { id: true, severity: true, labels: true },
        renameByName: { timestamp: 'Time', body: 'Write', traceID: 'Trace' },
      },
    },
  ]);
}

/**
 * The memory's quality rather than its infrastructure: what writes did to the store (added,
 * rewritten, removed, or nothing new), how searches did (empty, weak matches), and how old the
 * recalled memories are, and how many memories the store holds and gains per agent type.
 */
export function memoryQuality(): DashboardContent {
  const panels = layout([
    [
      timeSeriesPanel(
        'Write outcomes',
        'Memories added, updated and deleted per second, stacked; "none" is a fact the memory already held (older mem0 versions report it; mem0 3.x skips it silently, which shows as empty adds).',
        'wps',
        metricsQuery(counterRate('memoryWriteOutcomes', selectedAgentTypes, ['decision']), '{{decision}}')
      )
        .min(0)
        .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal)),
      12,
      8,
    ],
    [
      timeSeriesPanel(
        'Churn and empty adds',
        'Churn: the share of writes that rewrote or removed a memory. Empty adds: the share of adds that stored nothing, because every fact was already stored or none was extracted.',
        'percentunit',
        metricsQuery(
          counterShare('memoryWriteOutcomes', { decision: re('update|delete') }, selectedAgentTypes, ['agent_type']),
          'churn {{agent_type}}'
        ),
        metricsQuery(
          histogramShareAtMost('memoriesPerAdd', 0, selectedAgentTypes, ['agent_type']),
          'empty adds {{agent_type}}'
        )
      )
        .min(0)
        .max(1),
      12,
      8,
    ],
    [
      timeSeriesPanel(
        'Memories stored per add',
        'Mean number of memories one add stored, by agent type; it falls when agents repeat what the memory already holds.',
        'short',
        metricsQuery(observedMean('memoriesPerAdd', selectedAgentTypes, ['agent_type']), '{{agent_type}}')
      ).min(0),
      12,
      8,
    ],
    [
      timeSeriesPanel(
        'Empty searches',
        'Share of searches that returned no memory, by agent type.',
        'percentunit',
        metricsQuery(histogramShareAtMost('searchResults', 0, selectedAgentTypes, ['agent_type']), '{{agent_type}}')
      )
        .min(0)
        .max(1),
      12,
      8,
    ],
    [
      relevanceHeatmapPanel(
        'Best match per search',
        'Similarity of the best memory each search returned: searches per score bucket and step. Weak matches sink to the bottom rows.',
        'none',
        defaultRelevanceHeatmapOptions,
        metricsQuery(histogramBuckets('searchTopSimilarity', selectedAgentTypes), '{{le}}', {
          minStep: MIN_COUNTING_STEP,
        })
      ),
      12,
      8,
    ],
    [
      timeSeriesPanel(
        'Recalled memory age p50 / p90',
        'How long ago the memories searches returned were last written, from the histogram buckets; a rising age means agents recall stale memories.',
        's',
        metricsQuery(histogramQuantile(0.5, 'recallAge', selectedAgentTypes, ['agent_type']), 'p50 {{agent_type}}'),
        metricsQuery(histogramQuantile(0.9, 'recallAge', selectedAgentTypes, ['agent_type']), 'p90 {{agent_type}}')
      ).min(0),
      12,
      8,
    ],
    [
      timeSeriesPanel(
        'Memories in the store',
        'Memories the store holds, by agent type, as the service last counted them (it samples the count at an interval; a failed count keeps the last values). Every process of the service counts the same store: the largest count is shown, not their sum.',
        'short',
        metricsQuery(gauge('max', 'storeMemories', selectedAgentTypes, ['agent_type']), '{{agent_type}}')
      ).min(0),
      12,
      8,
    ],
    [
      timeSeriesPanel(
        'Store growth per hour',
        'Memories gained over the last hour, by agent type; below 0 the store shrank (deletes outran adds, or the store was emptied).',
        'short',
        metricsQuery(gaugeChange('max', 'storeMemories', '1h', selectedAgentTypes, ['agent_type']), '{{agent_type}}')
      ),
      12,
      8,
    ],
    [mostChangedMemories(), 12, 9],
    [
      logsPanel(
        `History of memory $${MEMORY_ID_VARIABLE}`,
        "Every add, update and delete of the selected memory in the time range, newest first, with the agent and the sizes of its old and new text; a line's details link to its trace.",
        new AgentMemoryQuery({ queryType: 'logs', filters: selectedMemory, sort: 'desc', limit: 100 })
      ),
      12,
      9,
    ],
    [memoryWrites(), 24, 7],
    [
      timeSeriesPanel(
        'Answers the SDK could not read',
        'Parts of mem0 answers the SDK could not read (an unknown result shape, a score or a date): their quality signals are missing. Non-zero after a mem0 upgrade means the SDK needs one too.',
        'ops',
        metricsQuery(counterRate('unreadableResults', {}, ['operation', 'what']), '{{operation}} {{what}}')
      ).min(0),
      24,
      6,
    ],
  ]);
  return {
    description:
      'What the memory holds and returns: write outcomes, churn and empty adds, empty searches, match strength, the age of recalled memories, the store size and growth per agent type, and the history of the most-changed memories.',
    panels,
    variables: [agentTypeVariable(), memoryIdVariable()],
  };
}
