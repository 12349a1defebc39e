/**
 * The signal catalog: the one source of truth for every metric the product emits.
 *
 * Names, help texts, label sets and buckets follow the mem0-stack monitoring guide the product was
 * specified from, because users' existing queries depend on them. Where the guide breaks the
 * cardinality rule (`user_id` on `ai_memory_operations_total`) the label is dropped here: user ids
 * go to events and spans, never to metric labels.
 */

import {
  MEMORY_SPAN_OWN_ATTRIBUTES,
  type GenAiMemoryAttribute,
  type MemorySpanOwnAttribute,
} from './signals/genaiMemoryConventions.js';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';

/**
 * How the primary of a Node `cluster` merges its workers' series of one metric into its one
 * `/metrics` answer (cluster.ts; the reasons per metric are in docs/sdk.md, "Many processes"):
 * one of prom-client's aggregators, applied per label set, or `per_worker`, one series per worker
 * with a `worker` label, as separate processes would be, for a state no arithmetic merges.
 * Counters, histograms and summaries are always summed (a summary's quantiles, which cannot be
 * merged, are left out of the merged answer).
 */
export type ClusterAggregation = 'sum' | 'max' | 'min' | 'average' | 'first' | 'omit' | 'per_worker';

export interface MetricDefinition {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labelNames: readonly string[];
  /** Histogram bucket upper bounds (seconds, scores or sizes), as the guide has them. */
  readonly buckets?: readonly number[];
  /** Which part of the product records it; documentation for dashboards and tests. */
  readonly group: 'memory' | 'quality' | 'cache' | 'agent' | 'resilience' | 'http' | 'pattern' | 'health' | 'guard';
  /** How a cluster's workers are merged into one answer (ClusterAggregation). */
  readonly aggregator: ClusterAggregation;
}

const SCORE_BUCKETS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0] as const;
/** Memories per call: 0 is its own bucket, so empty adds and searches are `_bucket{le="0"}`. */
const COUNT_BUCKETS = [0, 1, 2, 3, 5, 10, 20, 50] as const;
/** A minute to a quarter. */
const AGE_BUCKETS = [60, 600, 3600, 6 * 3600, 86400, 7 * 86400, 30 * 86400, 90 * 86400] as const;

export const CATALOG = {
  memoryOperations: {
    name: 'ai_memory_operations_total',
    type: 'counter',
    help: 'Total memory operations by AI agents',
    labelNames: ['operation', 'agent_type', 'status'],
    group: 'memory',
    aggregator: 'sum',
  },
  memoryOperationDuration: {
    name: 'ai_memory_operation_duration_seconds',
    type: 'histogram',
    help: 'Memory operation latency distribution',
    labelNames: ['operation', 'agent_type'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5],
    group: 'memory',
    aggregator: 'sum',
  },
  contextSize: {
    name: 'ai_agent_context_size_bytes',
    type: 'gauge',
    help: 'Current context size per AI agent',
    labelNames: ['agent_id', 'agent_type'],
    group: 'agent',
    // The newest size the workers saw is usually the largest; the dashboards take max across processes too.
    aggregator: 'max',
  },
  cacheHitRatio: {
    name: 'ai_cache_hit_ratio',
    type: 'summary',
    help: 'Cache hit ratio for AI operations',
    labelNames: ['cache_layer', 'operation'],
    group: 'cache',
    // _sum and _count add up; the quantiles cannot be merged and are left out (cluster.ts).
    aggregator: 'sum',
  },
  activeSessions: {
    name: 'ai_agent_active_sessions',
    type: 'gauge',
    help: 'Number of active AI agent sessions',
    labelNames: ['agent_type'],
    group: 'agent',
    // Each worker holds its own sessions: the service's are their sum.
    aggregator: 'sum',
  },
  relevanceScore: {
    name: 'ai_memory_relevance_score',
    type: 'histogram',
    help: 'Distribution of memory relevance scores',
    labelNames: ['agent_type'],
    buckets: SCORE_BUCKETS,
    group: 'memory',
    aggregator: 'sum',
  },
  batchOperationSize: {
    name: 'ai_batch_operation_size',
    type: 'histogram',
    help: 'Batch operation sizes for AI agents',
    labelNames: ['operation_type'],
    buckets: [1, 5, 10, 20, 50, 100, 200, 500],
    group: 'memory',
    aggregator: 'sum',
  },
  memoryWriteOutcomes: {
    name: 'ai_memory_write_outcomes_total',
    type: 'counter',
    help: 'Memories written, by what each write did: decision add, update, delete, or none (the fact was already stored)',
    labelNames: ['operation', 'agent_type', 'decision'],
    group: 'quality',
    aggregator: 'sum',
  },
  memoriesPerAdd: {
    name: 'ai_memory_add_memories',
    type: 'histogram',
    help: 'Memories an add stored; 0 when every fact was a duplicate or nothing was extracted',
    labelNames: ['agent_type'],
    buckets: COUNT_BUCKETS,
    group: 'quality',
    aggregator: 'sum',
  },
  searchResults: {
    name: 'ai_memory_search_results',
    type: 'histogram',
    help: 'Memories a search returned; 0 for an empty search',
    labelNames: ['agent_type'],
    buckets: COUNT_BUCKETS,
    group: 'quality',
    aggregator: 'sum',
  },
  searchTopSimilarity: {
    name: 'ai_memory_search_top_similarity',
    type: 'histogram',
    help: 'Similarity score of the best memory a search returned (searches that returned scores)',
    labelNames: ['agent_type'],
    buckets: SCORE_BUCKETS,
    group: 'quality',
    aggregator: 'sum',
  },
  recallAge: {
    name: 'ai_memory_recall_age_seconds',
    type: 'histogram',
    help: 'Age of each memory a search returned, since it was last written (updated, else created)',
    labelNames: ['agent_type'],
    buckets: AGE_BUCKETS,
    group: 'quality',
    aggregator: 'sum',
  },
  storeMemories: {
    name: 'ai_memory_store_memories',
    type: 'gauge',
    help: 'Memories in the store per agent type, sampled by the service at an interval (the last good count is kept when a count fails)',
    labelNames: ['agent_type'],
    group: 'quality',
    // Every worker counts the same store: a sum would count it once per worker.
    aggregator: 'max',
  },
  circuitBreakerState: {
    name: 'circuit_breaker_state',
    type: 'gauge',
    help: 'Circuit breaker state (0=closed, 1=open, 2=half-open)',
    labelNames: ['service_name'],
    group: 'resilience',
    // Each worker has its own breaker, and no arithmetic of state codes is a state.
    aggregator: 'per_worker',
  },
  circuitBreakerFailures: {
    name: 'circuit_breaker_failures_total',
    type: 'counter',
    help: 'Total circuit breaker failures',
    labelNames: ['service_name', 'error_type'],
    group: 'resilience',
    aggregator: 'sum',
  },
  degradationLevel: {
    name: 'service_degradation_level',
    type: 'gauge',
    help: 'Current degradation level (0=normal, 1=reduced, 2=essential, 3=readonly)',
    labelNames: ['service_name'],
    group: 'resilience',
    // A worker's own level, from its own breakers; levels are codes (4 is milder than 3).
    aggregator: 'per_worker',
  },
  httpRequests: {
    name: 'http_requests_total',
    type: 'counter',
    help: 'Total HTTP requests',
    labelNames: ['method', 'endpoint', 'status'],
    group: 'http',
    aggregator: 'sum',
  },
  httpRequestDuration: {
    name: 'http_request_duration_seconds',
    type: 'histogram',
    help: 'HTTP request duration',
    labelNames: ['method', 'endpoint'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0],
    group: 'http',
    aggregator: 'sum',
  },
  httpConcurrentRequests: {
    name: 'http_concurrent_requests',
    type: 'gauge',
    help: 'Number of concurrent HTTP requests',
    labelNames: [],
    group: 'http',
    // Requests in flight in the whole service.
    aggregator: 'sum',
  },
  queryPatterns: {
    name: 'ai_query_patterns_total',
    type: 'counter',
    help: 'Query patterns by type',
    labelNames: ['pattern_type', 'agent_type'],
    group: 'pattern',
    aggregator: 'sum',
  },
  memoryAccessInterval: {
    name: 'ai_memory_access_interval_seconds',
    type: 'histogram',
    help: 'Time between memory accesses',
    labelNames: ['agent_type'],
    buckets: [0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0],
    group: 'pattern',
    aggregator: 'sum',
  },
  contextGrowthRate: {
    name: 'ai_context_growth_rate_per_hour',
    type: 'gauge',
    help: 'Context growth rate per hour',
    labelNames: ['agent_id'],
    group: 'pattern',
    // As context size: the dashboards take max by agent_id.
    aggregator: 'max',
  },
  decisionConfidence: {
    name: 'ai_decision_confidence_score',
    type: 'histogram',
    help: 'AI agent decision confidence distribution',
    labelNames: ['agent_type', 'decision_type'],
    buckets: SCORE_BUCKETS,
    group: 'pattern',
    aggregator: 'sum',
  },
  consolidationRatio: {
    name: 'ai_memory_consolidation_ratio',
    type: 'gauge',
    help: 'Ratio of memories consolidated',
    labelNames: ['agent_type'],
    group: 'pattern',
    // The result of each worker's last run: the dashboard averages, the alert takes the minimum.
    aggregator: 'per_worker',
  },
  systemHealthScore: {
    name: 'ai_system_health_score',
    type: 'gauge',
    help: 'Overall system health score (0-100)',
    labelNames: [],
    group: 'health',
    // Workers check the same components; one that has not finished its first check reads 0.
    aggregator: 'max',
  },
  componentHealth: {
    name: 'ai_component_health',
    type: 'gauge',
    help: 'Individual component health',
    labelNames: ['component'],
    group: 'health',
    // A component any worker cannot reach is unhealthy for the requests that worker serves.
    aggregator: 'min',
  },
  healthCheckDuration: {
    name: 'ai_health_check_duration_seconds',
    type: 'gauge',
    help: 'Time taken for health check',
    labelNames: [],
    group: 'health',
    // The slowest check.
    aggregator: 'max',
  },
  eventsDropped: {
    name: 'ai_telemetry_events_dropped_total',
    type: 'counter',
    help: 'AI events the SDK dropped instead of blocking the host: queue full, or indexing failed after retries',
    labelNames: ['reason'],
    group: 'guard',
    aggregator: 'sum',
  },
  eventsIndexed: {
    name: 'ai_telemetry_events_indexed_total',
    type: 'counter',
    help: 'AI events indexed into Elasticsearch by the SDK',
    labelNames: [],
    group: 'guard',
    aggregator: 'sum',
  },
  foldedLabelValues: {
    name: 'ai_telemetry_label_values_folded_total',
    type: 'counter',
    help: 'Label values folded into __other__ because a label reached its cardinality cap',
    labelNames: ['metric', 'label'],
    group: 'guard',
    aggregator: 'sum',
  },
  unreadableResults: {
    name: 'ai_telemetry_unreadable_results_total',
    type: 'counter',
    help: 'Parts of a memory library answer the SDK could not read (an unknown result shape, a score or a date), so their signals were not recorded',
    labelNames: ['operation', 'what'],
    group: 'guard',
    aggregator: 'sum',
  },
} as const satisfies Record<string, MetricDefinition>;

export type CatalogKey = keyof typeof CATALOG;

export const ALL_METRICS: readonly MetricDefinition[] = Object.values(CATALOG);

/** Labels that must never be metric labels: unbounded values belong in events and spans. */
export const FORBIDDEN_METRIC_LABELS: readonly string[] = ['user_id'];

/** `decision` of ai_memory_write_outcomes_total: what one write did to the store. */
export const WRITE_DECISIONS = ['add', 'update', 'delete', 'none'] as const;
export type WriteDecision = (typeof WRITE_DECISIONS)[number];

/** `memory_action` of a memory_change event: the decisions that changed a memory ("none" changed nothing). */
export const MEMORY_ACTIONS = ['add', 'update', 'delete'] as const satisfies readonly WriteDecision[];
export type MemoryAction = (typeof MEMORY_ACTIONS)[number];

/** `event_type` of the AI events: one per memory library call, and one per memory a write changed. */
export const EVENT_TYPES = { operation: 'memory_operation', change: 'memory_change' } as const;

/** `what` of ai_telemetry_unreadable_results_total: the part of an answer the SDK could not read. */
export const UNREADABLE_PARTS = ['result', 'score', 'date'] as const;
export type UnreadablePart = (typeof UNREADABLE_PARTS)[number];

/** Circuit breaker states as the guide encodes them; anything else is -1. */
export const BREAKER_STATE_VALUES = { closed: 0, open: 1, half_open: 2 } as const;

/** `ai_component_health` of a component, as the guide sets it. */
export const COMPONENT_HEALTH_VALUES = { healthy: 100, unhealthy: 0 } as const;

/** Degradation levels as the guide encodes them; anything else is -1. */
export const DEGRADATION_LEVEL_VALUES = {
  normal: 0,
  reduced: 1,
  essential: 2,
  readonly: 3,
  maintenance: 4,
} as const;

export function metricByName(name: string): MetricDefinition | undefined {
  return ALL_METRICS.find((m) => m.name === name);
}

/** Elasticsearch field types of AI events; the index template is generated from this list. */
export type EventFieldType = 'date' | 'keyword' | 'text' | 'float' | 'integer' | 'boolean';

/** Every field of an AI event (the guide's template, plus what the SDK's enrichment adds). */
export const EVENT_FIELDS: Readonly<Record<string, EventFieldType>> = {
  '@timestamp': 'date',
  event_type: 'keyword',
  level: 'keyword',
  message: 'text',
  service: 'keyword',
  agent_id: 'keyword',
  agent_type: 'keyword',
  user_id: 'keyword',
  operation: 'keyword',
  start_time: 'date',
  end_time: 'date',
  duration_ms: 'float',
  performance_class: 'keyword',
  query: 'text',
  query_patterns: 'keyword',
  memory_id: 'keyword',
  relevance_score: 'float',
  cache_hit: 'boolean',
  result_count: 'integer',
  error_type: 'keyword',
  error_category: 'keyword',
  error_message: 'text',
  requires_attention: 'boolean',
  context_size: 'integer',
  batch_size: 'integer',
  trace_id: 'keyword',
  span_id: 'keyword',
  // memory_change: one memory's write; contents only as keyed hashes and lengths unless opted in.
  memory_action: 'keyword',
  old_content_hash: 'keyword',
  new_content_hash: 'keyword',
  old_content_length: 'integer',
  new_content_length: 'integer',
  old_content: 'text',
  new_content: 'text',
};

/** Memory operation spans are named `ai.memory.<operation>`, the guide's names that users' trace searches rely on. */
export const MEMORY_SPAN_PREFIX = 'ai.memory.';

export function memorySpanName(operation: string): string {
  return `${MEMORY_SPAN_PREFIX}${operation}`;
}

/**
 * Every attribute the SDK sets on memory spans by default (the opt-in ones the demo enables
 * included): our own (`MEMORY_SPAN_OWN_ATTRIBUTES`) and those of the GenAI memory conventions,
 * each name typed against the recorded conventions. `gen_ai.memory.records` (opt-in) and
 * `error.type` (failed calls only) are left out: not every service's spans carry them.
 */
export const SPAN_ATTRIBUTES = [
  ...(Object.keys(MEMORY_SPAN_OWN_ATTRIBUTES) as MemorySpanOwnAttribute[]),
  ...([
    'gen_ai.operation.name',
    'gen_ai.provider.name',
    'gen_ai.memory.store.id',
    'gen_ai.memory.record.id',
    'gen_ai.memory.record.count',
    'gen_ai.memory.query.text',
  ] as const satisfies readonly GenAiMemoryAttribute[]),
] as const;
