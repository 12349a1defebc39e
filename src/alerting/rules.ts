import type { AgentMemoryQueryModel, EventFilterField } from '../../contract';
import { counterShare, eq, gauge, histogramQuantile, summaryMean } from '../dashboards/promql';

/**
 * The app's alert rules, one source of truth for Grafana's provisioning files, the installer's
 * HTTP API requests and the Prometheus rule file. Expressions name metrics only through the
 * dashboards' PromQL helpers, which are typed by metric kind (a counter only through rate(), a
 * histogram through its bucket rates by `le`, a summary through _sum/_count).
 */
export type Severity = 'critical' | 'warning';
export type Team = 'ai-team' | 'infra-team';
export type RuleGroupName = 'memory-operations' | 'resilience' | 'agent-behaviour' | 'infrastructure' | 'ai-events';

/** How a rule's value is shown in its texts. */
export type ValueFormat = 'percent' | 'seconds' | 'bytes' | 'ratio' | 'count' | 'factor';

/** A PromQL expression giving the rule's value per alerting series; `window` is the rate window. */
export interface MetricsSource {
  kind: 'metrics';
  expr: (window: string) => string;
}

/** A count of AI events in Elasticsearch through the data source's `logs_count` query (Grafana only). */
export interface EventsSource {
  kind: 'logs_count';
  query: string;
  groupBy: EventFilterField;
}

export interface AlertRuleSpec {
  /** The alert name (Prometheus `alertname`, Grafana rule title). */
  name: string;
  /** Grafana rule uid: stable, ≤ 40 characters of [a-zA-Z0-9-_]. */
  uid: string;
  group: RuleGroupName;
  source: MetricsSource | EventsSource;
  comparison: 'gt' | 'lt';
  threshold: number;
  /** Rate window of the expression, or how far back events are counted. */
  windowSeconds: number;
  /** How long the condition must hold before the alert fires. */
  forSeconds: number;
  severity: Severity;
  team: Team;
  valueFormat: ValueFormat;
  /** Texts with `{{ $labels.x }}` and `{{ VALUE }}` (the rule's value, formatted). */
  summary: string;
  description: string;
  /** Anchor of the rule's section in docs/runbooks.md. */
  runbook: string;
  /** Grafana: what no data means for this rule, and why. */
  noDataState: 'OK' | 'NoData';
  noDataReason: string;
  /** The demo fault that makes it fire (docs and the end-to-end test). */
  fault: string;
  /** What a guide-style version of the rule gets wrong, if anything (README). */
  correction?: { guideStyle: string; problem: string };
}

export const FOLDER_TITLE = 'Agent Memory';
export const FOLDER_UID = 'agent-memory';
/** Every rule carries it; the installer's notification subtree matches on it. */
export const PRODUCT_LABEL = { name: 'product', value: 'agent-memory' } as const;

export const GROUP_INTERVAL_SECONDS: Record<RuleGroupName, number> = {
  'memory-operations': 60,
  resilience: 30,
  'agent-behaviour': 60,
  infrastructure: 60,
  'ai-events': 60,
};

/** Grafana's execution-error state for every rule; see README "Alerting" for why not the file default. */
export const EXEC_ERR_STATE = 'Error' as const;

const noTrafficIsFine = 'no series means no traffic of that kind, which is not a fault';
const absenceIsAFault = 'the gauge is reported all the time: its absence means the service or exporter is gone';

export const ALERT_RULES: readonly AlertRuleSpec[] = [
  {
    name: 'HighMemoryOperationLatency',
    uid: 'agentmemory-high-operation-latency',
    group: 'memory-operations',
    source: {
      kind: 'metrics',
      expr: (w) => histogramQuantile(0.95, 'memoryOperationDuration', {}, ['job', 'operation'], w),
    },
    comparison: 'gt',
    threshold: 0.5,
    windowSeconds: 300,
    forSeconds: 300,
    severity: 'warning',
    team: 'ai-team',
    valueFormat: 'seconds',
    summary: 'Memory operation {{ $labels.operation }} is slow: p95 {{ VALUE }}',
    description:
      'The 95th percentile latency of {{ $labels.operation }} operations of {{ $labels.job }} has been above 500 ms for 5 minutes.',
    runbook: 'highmemoryoperationlatency',
    noDataState: 'OK',
    noDataReason: noTrafficIsFine,
    fault: 'mem0 calls slowed by 800 ms (`{"service":"mem0","latencyMs":800}`)',
    correction: {
      guideStyle: 'histogram_quantile(0.95, rate(ai_memory_operation_duration_seconds_bucket[5m])) > 0.5',
      problem: 'a quantile per series of buckets, not per operation: bucket rates must be summed by le',
    },
  },
  {
    name: 'HighErrorRate',
    uid: 'agentmemory-high-error-rate',
    group: 'memory-operations',
    source: {
      kind: 'metrics',
      expr: (w) => counterShare('memoryOperations', { status: eq('error') }, {}, ['job', 'operation'], w),
    },
    comparison: 'gt',
    threshold: 0.05,
    windowSeconds: 300,
    forSeconds: 300,
    severity: 'critical',
    team: 'ai-team',
    valueFormat: 'percent',
    summary: '{{ VALUE }} of {{ $labels.operation }} memory operations fail',
    description: 'More than 5 % of {{ $labels.operation }} operations of {{ $labels.job }} have failed for 5 minutes.',
    runbook: 'higherrorrate',
    noDataState: 'OK',
    noDataReason: noTrafficIsFine,
    fault: '30 % of mem0 calls fail (`{"errorRate":0.3}`)',
    correction: {
      guideStyle: 'rate(ai_memory_operations_total{status="error"}[5m]) > 0.1',
      problem: 'errors per second, not a share: 0.1/s is noise at 1,000 ops/s and an outage at 0.2 ops/s',
    },
  },
  {
    name: 'LowCacheHitRatio',
    uid: 'agentmemory-low-cache-hit-ratio',
    group: 'memory-operations',
    source: {
      kind: 'metrics',
      expr: (w) => summaryMean('cacheHitRatio', {}, ['job', 'cache_layer'], w),
    },
    comparison: 'lt',
    threshold: 0.7,
    windowSeconds: 300,
    forSeconds: 600,
    severity: 'warning',
    team: 'ai-team',
    valueFormat: 'percent',
    summary: 'Cache layer {{ $labels.cache_layer }} hits only {{ VALUE }}',
    description:
      'The hit ratio of the {{ $labels.cache_layer }} cache of {{ $labels.job }} has been under 70 % for 10 minutes.',
    runbook: 'lowcachehitratio',
    noDataState: 'OK',
    noDataReason: noTrafficIsFine,
    fault: 'every search misses the Redis cache (`{"cacheMissStorm":true}`)',
    correction: {
      guideStyle: 'ai_cache_hit_ratio < 0.7',
      problem: 'the metric is a summary: the bare name is its quantile series (0 or 1 per observation), not a ratio',
    },
  },
  {
    name: 'CircuitBreakerOpen',
    uid: 'agentmemory-circuit-breaker-open',
    group: 'resilience',
    source: {
      kind: 'metrics',
      expr: () => gauge('max', 'circuitBreakerState', {}, ['job', 'instance', 'service_name']),
    },
    comparison: 'gt',
    threshold: 0,
    windowSeconds: 0,
    forSeconds: 60,
    severity: 'critical',
    team: 'infra-team',
    valueFormat: 'count',
    summary: 'Circuit breaker of {{ $labels.service_name }} is not closed',
    description:
      'The circuit breaker of {{ $labels.service_name }} in {{ $labels.job }} has been open or half-open (probing) for 1 minute: calls to it fail fast.',
    runbook: 'circuitbreakeropen',
    noDataState: 'NoData',
    noDataReason: absenceIsAFault,
    fault: 'Neo4j calls delayed past their 2 s timeout (`{"service":"neo4j","latencyMs":3000}`)',
    correction: {
      guideStyle: 'circuit_breaker_state == 1',
      problem:
        'a breaker whose half-open probes keep failing goes 1, 2, 1…: each half-open sample restarts the `for` timer, so it never fires',
    },
  },
  {
    name: 'ServiceDegraded',
    uid: 'agentmemory-service-degraded',
    group: 'resilience',
    source: {
      kind: 'metrics',
      expr: () => gauge('max', 'degradationLevel', {}, ['job', 'instance', 'service_name']),
    },
    comparison: 'gt',
    threshold: 1,
    windowSeconds: 0,
    forSeconds: 300,
    severity: 'warning',
    team: 'infra-team',
    valueFormat: 'count',
    summary: '{{ $labels.service_name }} runs degraded (level {{ VALUE }})',
    description:
      '{{ $labels.service_name }} of {{ $labels.job }} has served only essential operations or less for 5 minutes (2 essential, 3 read-only, 4 maintenance).',
    runbook: 'servicedegraded',
    noDataState: 'NoData',
    noDataReason: absenceIsAFault,
    fault: 'PostgreSQL calls delayed past their 1 s timeout (`{"service":"postgres","latencyMs":2000}`)',
  },
  {
    name: 'AIAgentContextGrowthAnomaly',
    uid: 'agentmemory-context-growth-anomaly',
    group: 'agent-behaviour',
    source: {
      kind: 'metrics',
      // Relative to the fleet's median, with a floor of 1 MiB/h so that a quiet fleet does not divide by ~0.
      expr: () =>
        'ai_context_growth_rate_per_hour / on (job, instance) group_left () ' +
        'clamp_min(quantile by (job, instance) (0.5, ai_context_growth_rate_per_hour), 1048576)',
    },
    comparison: 'gt',
    threshold: 3,
    windowSeconds: 0,
    forSeconds: 600,
    severity: 'warning',
    team: 'ai-team',
    valueFormat: 'factor',
    summary: 'Context of agent {{ $labels.agent_id }} grows {{ VALUE }} faster than the fleet',
    description:
      'The context of {{ $labels.agent_id }} has grown more than 3 times as fast as the median agent of {{ $labels.job }} for 10 minutes: a loop appending tool output, or a summariser that stopped.',
    runbook: 'aiagentcontextgrowthanomaly',
    noDataState: 'OK',
    noDataReason: noTrafficIsFine,
    fault: 'one agent appends 64 KiB per step (`{"contextRunaway":true}`: any agent whose id is not folded)',
    correction: {
      guideStyle: 'ai_context_growth_rate_per_hour > <fixed bytes per hour>',
      problem:
        'a fixed rate is either always exceeded by busy agents or never by small ones; an anomaly is growth unlike the rest of the fleet',
    },
  },
  {
    name: 'MemoryConsolidationBacklog',
    uid: 'agentmemory-consolidation-backlog',
    group: 'agent-behaviour',
    source: {
      kind: 'metrics',
      expr: () => gauge('min', 'consolidationRatio', {}, ['job', 'agent_type']),
    },
    comparison: 'lt',
    threshold: 0.3,
    windowSeconds: 0,
    forSeconds: 900,
    severity: 'warning',
    team: 'ai-team',
    valueFormat: 'percent',
    summary: 'Consolidation of {{ $labels.agent_type }} memories is falling behind: {{ VALUE }} distinct',
    description:
      'Consolidation runs of {{ $labels.agent_type }} agents have found more than 70 % duplicates for 15 minutes: memories are stored faster than they are merged.',
    runbook: 'memoryconsolidationbacklog',
    noDataState: 'OK',
    noDataReason: 'no consolidation has run yet, which the rule cannot judge',
    fault: 'agents store the same fact again and again (`{"duplicateFlood":true}`)',
  },
  {
    name: 'DatabaseConnectionPoolExhausted',
    uid: 'agentmemory-db-connections-exhausted',
    group: 'infrastructure',
    source: {
      kind: 'metrics',
      expr: () =>
        `${gauge('sum', 'pgConnections', {}, ['job', 'instance', 'server'])} / on (job, instance, server) ${gauge('max', 'pgMaxConnections', {}, ['job', 'instance', 'server'])}`,
    },
    comparison: 'gt',
    threshold: 0.8,
    windowSeconds: 0,
    forSeconds: 120,
    severity: 'critical',
    team: 'infra-team',
    valueFormat: 'percent',
    summary: 'PostgreSQL {{ $labels.server }} uses {{ VALUE }} of its connections',
    description:
      'Connections to PostgreSQL {{ $labels.server }} have been above 80 % of max_connections for 2 minutes; new clients will be refused.',
    runbook: 'databaseconnectionpoolexhausted',
    noDataState: 'NoData',
    noDataReason: absenceIsAFault,
    fault: 'the demo holds 85 idle connections (`{"pgConnectionFlood":85}`)',
    correction: {
      guideStyle: 'pg_stat_database_numbackends / pg_settings_max_connections > 0.8',
      problem:
        'numbackends is per database (datname): the division matches no series, and with ignoring(datname) it compares each database alone with the server-wide limit',
    },
  },
  {
    name: 'HighMemoryUsage',
    uid: 'agentmemory-high-memory-usage',
    group: 'infrastructure',
    source: {
      kind: 'metrics',
      expr: () =>
        `1 - ${gauge('max', 'nodeMemoryAvailable', {}, ['job', 'instance'])} / ${gauge('max', 'nodeMemoryTotal', {}, ['job', 'instance'])}`,
    },
    comparison: 'gt',
    threshold: 0.9,
    windowSeconds: 0,
    forSeconds: 300,
    severity: 'warning',
    team: 'infra-team',
    valueFormat: 'percent',
    summary: 'Host {{ $labels.instance }} uses {{ VALUE }} of its memory',
    description: 'Less than 10 % of the memory of {{ $labels.instance }} has been available for 5 minutes.',
    runbook: 'highmemoryusage',
    noDataState: 'NoData',
    noDataReason: absenceIsAFault,
    fault: 'none on the shared test host (promtool cases only)',
  },
  {
    name: 'AIAgentError',
    uid: 'agentmemory-ai-agent-error',
    group: 'ai-events',
    source: { kind: 'logs_count', query: 'level:CRITICAL', groupBy: 'error_type' },
    comparison: 'gt',
    threshold: 0,
    windowSeconds: 300,
    forSeconds: 0,
    severity: 'critical',
    team: 'ai-team',
    valueFormat: 'count',
    summary: '{{ VALUE }} critical AI errors of type {{ $labels.error_type }}',
    description:
      'AI agents reported CRITICAL {{ $labels.error_type }} events in the last 5 minutes (Elasticsearch, ai-events-*).',
    runbook: 'aiagenterror',
    noDataState: 'OK',
    noDataReason: 'no critical event is the healthy case',
    fault: 'each search reports a CRITICAL EmbeddingDimensionError event (`{"criticalErrors":true}`)',
  },
];

/** The data source query of a rule (refId A), for Grafana and for the conformance evaluator. */
export function ruleQuery(rule: AlertRuleSpec, window: string): AgentMemoryQueryModel {
  if (rule.source.kind === 'metrics') {
    return { queryType: 'metrics', expr: rule.source.expr(window), instant: true, legendFormat: '__auto' };
  }
  return { queryType: 'logs_count', query: rule.source.query, groupBy: rule.source.groupBy };
}

export function ruleByName(name: string): AlertRuleSpec {
  const rule = ALERT_RULES.find((r) => r.name === name);
  if (!rule) {
    throw new Error(`no alert rule ${name}`);
  }
  return rule;
}
