import { formatDuration, scaled } from './durations';
import type { EventFilterField, LogsCountQueryModel, MetricsQueryModel } from '../../contract';
import {
  CATALOG,
  counterShare,
  eq,
  gauge,
  histogramQuantile,
  observedMean,
  histogramShareAtMost,
  re,
  THRESHOLDS,
} from '@memstack/telemetry/signals';

/**
 * The app's alert rules, one source of truth for Grafana's provisioning files, the installer's
 * HTTP API requests and the Prometheus rule file. Expressions name metrics only through the
 * dashboards' PromQL helpers, which are typed by metric kind (a counter only through rate(), a
 * histogram through its bucket rates by `le`, a summary through _sum/_count). Thresholds come from
 * THRESHOLDS of @memstack/telemetry/signals, where the dashboards draw them too.
 */
export type AlertSeverity = 'critical' | 'warning';
export type Team = 'ai-team' | 'infra-team';
export type RuleGroupName =
  'memory-operations' | 'memory-quality' | 'resilience' | 'agent-behaviour' | 'infrastructure' | 'ai-events';

/** How a rule's value is shown in its texts. */
export type ValueFormat = 'percent' | 'seconds' | 'bytes' | 'ratio' | 'count' | 'factor';

/**
 * A PromQL expression giving the rule's value per alerting series; `window` is the rate window,
 * `baseline` the longer window a rule compares against (`baselineSeconds`).
 */
export interface MetricsSource {
  kind: 'metrics';
  expr: (window: string, baseline: string) => string;
}

/** A count of AI events in Elasticsearch through the data source's `logs_count` query (Grafana only). */
export interface EventsSource {
  kind: 'logs_count';
  query: string;
  groupBy: EventFilterField;
}

/**
 * The guide's version of a rule (/work/shared/reference guide, section 5 "Alerting Rules for AI
 * Agents", its dashboards' legacy alerts and its Logstash pipeline), quoted, and why ours differs.
 * A unit test checks every quote against the guide and that every difference has its reason.
 */
export interface GuideRule {
  /** Where the guide defines it. */
  from: 'prometheus-rules' | 'dashboard-alert' | 'logstash';
  /** The guide's expression or condition, verbatim (a YAML block's text, or a JSON string's value). */
  expr: string;
  /** The guide's threshold, as its expression compares. */
  threshold: number;
  /** The guide's `for`; '0s' where it has none (a legacy dashboard alert, a Logstash post). */
  for: string;
  /** The guide's labels; absent where it sets none. */
  severity?: AlertSeverity;
  team?: string;
  /** Why each of ours differs from the guide's; required for each field that differs. */
  why: Partial<Record<'expr' | 'threshold' | 'for' | 'severity' | 'team', string>>;
}

export interface AlertRuleSpec {
  /** The alert name (Prometheus `alertname`, Grafana rule title). */
  name: string;
  /** Grafana rule uid: stable, ≤ 40 characters of [a-zA-Z0-9-_]. */
  uid: string;
  group: RuleGroupName;
  source: MetricsSource | EventsSource;
  comparison: 'gt' | 'lt';
  /** From THRESHOLDS. */
  threshold: number;
  /** Rate window of the expression, or how far back events are counted. */
  windowSeconds: number;
  /** The longer window of a rule that compares with its own past (its expression's `baseline`). */
  baselineSeconds?: number;
  /** How long the condition must hold before the alert fires. */
  forSeconds: number;
  severity: AlertSeverity;
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
  /** The guide's version; absent for rules the guide does not have (the memory quality rules). */
  guide?: GuideRule;
}

export const FOLDER_TITLE = 'Agent Memory';
/** The folder uid the installer creates; file provisioning finds its folder by title (FILE-FOLDER-BY-TITLE). */
export const FOLDER_UID = 'agent-memory';
/** Every rule carries it; the installer's notification subtree matches on it. */
export const PRODUCT_LABEL = { name: 'product', value: 'agent-memory' } as const;

export const GROUP_INTERVAL_SECONDS: Record<RuleGroupName, number> = {
  'memory-operations': 60,
  'memory-quality': 60,
  resilience: 30,
  'agent-behaviour': 60,
  infrastructure: 60,
  'ai-events': 60,
};

/** Grafana's execution-error state for every rule; see README "Alerting" for why not the file default. */
export const EXEC_ERR_STATE = 'Error' as const;

const noTrafficIsFine = 'no series means no traffic of that kind, which is not a fault';
const absenceIsAFault = 'the gauge is reported all the time: its absence means the service or exporter is gone';

/** Thresholds as the rule texts say them; a share as the texts and the runbooks write it: 0.8 → "80 %". */
export const percent = (share: number) => `${Math.round(share * 1000) / 10} %`;
const millis = (seconds: number) => `${Math.round(seconds * 1000)} ms`;

/** Why our team labels are not the guide's `ai-platform` and `infrastructure`. */
const TEAM_NAMED_AS_ITS_RECEIVER =
  "the team label is the name of the receiver it routes to (ai-team, infra-team), so that `team=<receiver>` is the whole route; the guide's labels ai-platform and infrastructure routed to receivers named ai-team and infra-team";

const T = THRESHOLDS;

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
    threshold: T.operationLatencyP95Seconds,
    windowSeconds: 300,
    forSeconds: 300,
    severity: 'warning',
    team: 'ai-team',
    valueFormat: 'seconds',
    summary: 'Memory operation {{ $labels.operation }} is slow: p95 {{ VALUE }}',
    description: `The 95th percentile latency of {{ $labels.operation }} operations of {{ $labels.job }} has been above ${millis(T.operationLatencyP95Seconds)} for 5 minutes.`,
    runbook: 'highmemoryoperationlatency',
    noDataState: 'OK',
    noDataReason: noTrafficIsFine,
    fault: 'mem0 calls slowed by 800 ms (`{"service":"mem0","latencyMs":800}`)',
    guide: {
      from: 'prometheus-rules',
      expr: [
        'histogram_quantile(0.99, ',
        '  sum(rate(ai_memory_operation_duration_seconds_bucket[5m])) ',
        '  by (operation, le)',
        ') > 0.1',
      ].join('\n'),
      threshold: 0.1,
      for: '5m',
      severity: 'warning',
      team: 'ai-platform',
      why: {
        expr: 'the p95 and by job too: a p99 over 5 minutes of a few requests a second is the one or two slowest calls (a cold embedding model, a consolidation running), which pages on noise; the job keeps two deployments apart',
        threshold:
          "mem0's add and update call an embedding model and a vector store: on the healthy demo their p99 is about 230 ms, so the guide's 100 ms would fire all the time; 500 ms at p95 is a store that agents wait on",
        team: TEAM_NAMED_AS_ITS_RECEIVER,
      },
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
    threshold: T.operationErrorShare,
    windowSeconds: 300,
    forSeconds: 300,
    severity: 'critical',
    team: 'ai-team',
    valueFormat: 'percent',
    summary: '{{ VALUE }} of {{ $labels.operation }} memory operations fail',
    description: `More than ${percent(T.operationErrorShare)} of {{ $labels.operation }} operations of {{ $labels.job }} have failed for 5 minutes.`,
    runbook: 'higherrorrate',
    noDataState: 'OK',
    noDataReason: noTrafficIsFine,
    fault: '30 % of mem0 calls fail (`{"errorRate":0.3}`)',
    guide: {
      from: 'prometheus-rules',
      expr: [
        'sum(rate(ai_memory_operations_total{status="error"}[5m])) ',
        '/ sum(rate(ai_memory_operations_total[5m])) > 0.05',
      ].join('\n'),
      threshold: 0.05,
      for: '5m',
      severity: 'critical',
      team: 'ai-platform',
      why: {
        expr: 'a share per job and operation: summed over all operations, a failing delete (rare) hides behind thousands of healthy searches, and the alert cannot say which operation fails',
        team: TEAM_NAMED_AS_ITS_RECEIVER,
      },
    },
  },
  {
    name: 'LowCacheHitRatio',
    uid: 'agentmemory-low-cache-hit-ratio',
    group: 'memory-operations',
    source: {
      kind: 'metrics',
      expr: (w) => observedMean('cacheHitRatio', {}, ['job', 'cache_layer'], w),
    },
    comparison: 'lt',
    threshold: T.cacheHitRatioMin,
    windowSeconds: 300,
    forSeconds: 600,
    severity: 'warning',
    team: 'ai-team',
    valueFormat: 'percent',
    summary: 'Cache layer {{ $labels.cache_layer }} hits only {{ VALUE }}',
    description: `The hit ratio of the {{ $labels.cache_layer }} cache of {{ $labels.job }} has been under ${percent(T.cacheHitRatioMin)} for 10 minutes.`,
    runbook: 'lowcachehitratio',
    noDataState: 'OK',
    noDataReason: noTrafficIsFine,
    fault: 'every search misses the Redis cache (`{"cacheMissStorm":true}`)',
    guide: {
      from: 'prometheus-rules',
      expr: 'avg_over_time(ai_cache_hit_ratio[10m]) < 0.7',
      threshold: 0.7,
      for: '10m',
      severity: 'warning',
      team: 'ai-platform',
      why: {
        expr: 'ai_cache_hit_ratio is a summary: the bare name is its quantile series (each observation is a 0 or a 1), so averaging it over time is not the hit ratio; the mean of the observations is rate(_sum) / rate(_count), by job and cache layer',
        team: TEAM_NAMED_AS_ITS_RECEIVER,
      },
    },
  },
  {
    name: 'HighHttpErrorRate',
    uid: 'agentmemory-high-http-error-rate',
    // With the memory operations: the memory API's answers to its callers.
    group: 'memory-operations',
    source: {
      kind: 'metrics',
      expr: (w) => counterShare('httpRequests', { status: re('5..') }, {}, ['job', 'endpoint'], w),
    },
    comparison: 'gt',
    threshold: T.httpServerErrorShare,
    windowSeconds: 300,
    forSeconds: 300,
    severity: 'critical',
    team: 'ai-team',
    valueFormat: 'percent',
    summary: '{{ VALUE }} of requests to {{ $labels.endpoint }} answer 5xx',
    description: `More than ${percent(T.httpServerErrorShare)} of HTTP requests to {{ $labels.endpoint }} of {{ $labels.job }} have been answered with a server error (5xx) for 5 minutes.`,
    runbook: 'highhttperrorrate',
    noDataState: 'OK',
    noDataReason: noTrafficIsFine,
    fault: '30 % of the demo API\'s memory requests answer 500 before reaching mem0 (`{"httpErrorRate":0.3}`)',
    guide: {
      from: 'dashboard-alert',
      expr: 'sum(rate(http_requests_total{status=~"5.."}[5m])) by (endpoint) / sum(rate(http_requests_total[5m])) by (endpoint)',
      threshold: 0.05,
      for: '0s',
      why: {
        expr: 'by job as well as endpoint (two deployments apart), and an endpoint without a 5xx yet reads 0 instead of having no series',
        for: "the guide's legacy dashboard alert fires on the first evaluation above 5 %: one burst of 503s during a restart would page; 5 minutes, as for the memory error share",
        severity:
          "the guide sets none: server errors to the memory API's callers are an outage for the agents, critical as the guide's memory error share",
        team: "the guide sets none: the memory API is the AI team's service, as the guide's memory error share",
      },
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
    threshold: T.circuitBreakerClosedState,
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
    guide: {
      from: 'prometheus-rules',
      expr: 'circuit_breaker_state == 1',
      threshold: 1,
      for: '1m',
      severity: 'critical',
      team: 'infrastructure',
      why: {
        expr: 'a breaker whose half-open probes keep failing goes 1, 2, 1…: each half-open sample (2) ends `== 1` and restarts the `for` timer, so it never fires; `> 0` (open or half-open) holds through the probes. max by job, instance and breaker keeps one series per breaker',
        threshold: '`> 0` instead of `== 1`: see expr',
        team: TEAM_NAMED_AS_ITS_RECEIVER,
      },
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
    threshold: T.degradationLevelTolerated,
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
    guide: {
      from: 'prometheus-rules',
      expr: 'service_degradation_level > 0',
      threshold: 0,
      for: '5m',
      severity: 'warning',
      team: 'ai-platform',
      why: {
        expr: 'max by job, instance and service keeps one series per service',
        threshold:
          'level 1 (reduced) is the cache being down: every operation is still served, only slower, and LowCacheHitRatio and the latency rule already say so; from level 2 operations are refused',
        team: 'the service degrades because a backend breaker opened (PostgreSQL, Neo4j, the vector store): the infrastructure team fixes those, and its receiver is infra-team',
      },
    },
  },
  {
    name: 'AIAgentContextGrowthAnomaly',
    uid: 'agentmemory-context-growth-anomaly',
    group: 'agent-behaviour',
    source: {
      kind: 'metrics',
      // Relative to the fleet's median, with a floor of 1 MiB/h so that a quiet fleet does not divide by ~0.
      expr: () =>
        `${CATALOG.contextGrowthRate.name} / on (job, instance) group_left () ` +
        `clamp_min(quantile by (job, instance) (0.5, ${CATALOG.contextGrowthRate.name}), 1048576)`,
    },
    comparison: 'gt',
    threshold: T.contextGrowthFactor,
    windowSeconds: 0,
    forSeconds: 600,
    severity: 'warning',
    team: 'ai-team',
    valueFormat: 'factor',
    summary: 'Context of agent {{ $labels.agent_id }} grows {{ VALUE }} faster than the fleet',
    description: `The context of {{ $labels.agent_id }} has grown more than ${T.contextGrowthFactor} times as fast as the median agent of {{ $labels.job }} for 10 minutes: a loop appending tool output, or a summariser that stopped.`,
    runbook: 'aiagentcontextgrowthanomaly',
    noDataState: 'OK',
    noDataReason: noTrafficIsFine,
    fault: 'one agent appends 64 KiB per step (`{"contextRunaway":true}`: any agent whose id is not folded)',
    guide: {
      from: 'prometheus-rules',
      expr: 'ai_context_growth_rate_per_hour > 10000',
      threshold: 10000,
      for: '30m',
      severity: 'warning',
      team: 'ai-platform',
      why: {
        expr: "a fixed rate is either always exceeded by busy agents or never by small ones; an anomaly is growth unlike the rest of the fleet: the agent's rate against the median agent's (at least 1 MiB/h)",
        threshold:
          "a factor of the fleet's median (3×), not 10,000 bytes an hour, which one chat turn with a tool result exceeds",
        for: "a loop appending tool output fills a context window in minutes; after 30 minutes the agent has long failed. Growth 3× the fleet's for 10 minutes is not a burst",
        team: TEAM_NAMED_AS_ITS_RECEIVER,
      },
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
    threshold: T.consolidationBacklogShare,
    windowSeconds: 0,
    forSeconds: 900,
    severity: 'warning',
    team: 'ai-team',
    valueFormat: 'percent',
    summary: 'Consolidation of {{ $labels.agent_type }} memories is falling behind: {{ VALUE }} distinct',
    description: `Consolidation runs of {{ $labels.agent_type }} agents have found more than ${percent(1 - T.consolidationBacklogShare)} duplicates for 15 minutes: memories are stored faster than they are merged.`,
    runbook: 'memoryconsolidationbacklog',
    noDataState: 'OK',
    noDataReason: 'no consolidation has run yet, which the rule cannot judge',
    fault: 'agents store the same fact again and again (`{"duplicateFlood":true}`)',
    guide: {
      from: 'prometheus-rules',
      expr: 'ai_memory_consolidation_ratio < 0.5',
      threshold: 0.5,
      for: '1h',
      severity: 'warning',
      team: 'ai-platform',
      why: {
        expr: 'min by job and agent type: one series per kind of agent, the worst of its instances',
        threshold:
          'a run reports the share of the memories it scanned that it kept distinct, and deletes the duplicates, so the next run judges only what was stored since: one chatty session can take that under 50 %. Under 30 %, more than two in three new memories repeat old ones',
        for: 'each consolidation run reports the ratio; an hour under the threshold is an hour of search results crowded by duplicates. 15 minutes spans several runs',
        team: TEAM_NAMED_AS_ITS_RECEIVER,
      },
    },
  },
  {
    name: 'MemoryChurnSpike',
    uid: 'agentmemory-memory-churn-spike',
    group: 'memory-quality',
    source: {
      kind: 'metrics',
      expr: (w) => counterShare('memoryWriteOutcomes', { decision: re('update|delete') }, {}, ['job', 'agent_type'], w),
    },
    comparison: 'gt',
    threshold: T.memoryChurnShare,
    windowSeconds: 900,
    forSeconds: 900,
    severity: 'warning',
    team: 'ai-team',
    valueFormat: 'percent',
    summary: '{{ VALUE }} of {{ $labels.agent_type }} memory writes rewrite or delete',
    description: `More than ${percent(T.memoryChurnShare)} of the memory writes of {{ $labels.agent_type }} agents in {{ $labels.job }} have updated or deleted a memory for 15 minutes: agents keep correcting and forgetting what they learned.`,
    runbook: 'memorychurnspike',
    noDataState: 'OK',
    noDataReason: noTrafficIsFine,
    fault: 'agents correct and forget what they stored (`{"churnStorm":true}`)',
  },
  {
    name: 'MemoryEmptyAddFlood',
    uid: 'agentmemory-memory-empty-add-flood',
    group: 'memory-quality',
    source: {
      kind: 'metrics',
      expr: (w) => histogramShareAtMost('memoriesPerAdd', 0, {}, ['job', 'agent_type'], w),
    },
    comparison: 'gt',
    threshold: T.emptyAddShare,
    windowSeconds: 900,
    forSeconds: 900,
    severity: 'warning',
    team: 'ai-team',
    valueFormat: 'percent',
    summary: '{{ VALUE }} of {{ $labels.agent_type }} memory adds store nothing',
    description: `More than ${percent(T.emptyAddShare)} of the adds of {{ $labels.agent_type }} agents in {{ $labels.job }} have stored no memory for 15 minutes: they repeat what the memory already holds, or nothing is extracted from what they send.`,
    runbook: 'memoryemptyaddflood',
    noDataState: 'OK',
    noDataReason: noTrafficIsFine,
    fault: 'agents add word for word what they stored before (`{"repeatedFacts":true}`)',
  },
  {
    name: 'EmptyMemorySearches',
    uid: 'agentmemory-empty-memory-searches',
    group: 'memory-quality',
    source: {
      kind: 'metrics',
      expr: (w) => histogramShareAtMost('searchResults', 0, {}, ['job', 'agent_type'], w),
    },
    comparison: 'gt',
    threshold: T.emptySearchShare,
    windowSeconds: 600,
    forSeconds: 600,
    severity: 'warning',
    team: 'ai-team',
    valueFormat: 'percent',
    summary: '{{ VALUE }} of {{ $labels.agent_type }} memory searches find nothing',
    description: `More than ${percent(T.emptySearchShare)} of the searches of {{ $labels.agent_type }} agents in {{ $labels.job }} have returned no memory for 10 minutes: the agents work without what they learned.`,
    runbook: 'emptymemorysearches',
    noDataState: 'OK',
    noDataReason: noTrafficIsFine,
    fault: 'searches reach an empty namespace (`{"searchMisses":true}`)',
  },
  {
    name: 'MemorySimilarityDrop',
    uid: 'agentmemory-memory-similarity-drop',
    group: 'memory-quality',
    source: {
      kind: 'metrics',
      // Relative to its own past, as the context rule is to the fleet: match strength depends on
      // the embedding model and the data, so no fixed score fits every store.
      expr: (w, baseline) =>
        `(${observedMean('searchTopSimilarity', {}, ['job', 'agent_type'], w)}) / ` +
        `(${observedMean('searchTopSimilarity', {}, ['job', 'agent_type'], baseline)})`,
    },
    comparison: 'lt',
    threshold: T.similarityBaselineFactor,
    windowSeconds: 900,
    baselineSeconds: 6 * 3600,
    forSeconds: 900,
    severity: 'warning',
    team: 'ai-team',
    valueFormat: 'factor',
    summary: 'Best matches of {{ $labels.agent_type }} searches fell to {{ VALUE }} of their 6-hour mean',
    description: `The mean similarity of the best memory each search of {{ $labels.agent_type }} agents in {{ $labels.job }} returns has been under ${percent(T.similarityBaselineFactor)} of its mean over 6 hours for 15 minutes: an embedding model changed, or the store holds what agents no longer ask about.`,
    runbook: 'memorysimilaritydrop',
    noDataState: 'OK',
    noDataReason: noTrafficIsFine,
    fault: 'new embeddings come from a different model (`{"embedderDrift":true}`)',
  },
  {
    name: 'StaleMemoryRecall',
    uid: 'agentmemory-stale-memory-recall',
    group: 'memory-quality',
    source: {
      kind: 'metrics',
      expr: (w) => histogramQuantile(0.5, 'recallAge', {}, ['job', 'agent_type'], w),
    },
    comparison: 'gt',
    threshold: T.recallAgeMedianSeconds,
    windowSeconds: 1800,
    forSeconds: 900,
    severity: 'warning',
    team: 'ai-team',
    valueFormat: 'seconds',
    summary: 'Half the memories {{ $labels.agent_type }} agents recall are older than {{ VALUE }}',
    description:
      'The median age of the memories searches of {{ $labels.agent_type }} agents in {{ $labels.job }} return, since each was last written, has been above 30 days for 15 minutes: agents act on what may no longer be true.',
    runbook: 'stalememoryrecall',
    noDataState: 'OK',
    noDataReason: noTrafficIsFine,
    fault: 'searches answer only memories last written two months ago (`{"staleRecall":true}`)',
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
    threshold: T.connectionPoolUse,
    windowSeconds: 0,
    forSeconds: 120,
    severity: 'critical',
    team: 'infra-team',
    valueFormat: 'percent',
    summary: 'PostgreSQL {{ $labels.server }} uses {{ VALUE }} of its connections',
    description: `Connections to PostgreSQL {{ $labels.server }} have been above ${percent(T.connectionPoolUse)} of max_connections for 2 minutes; new clients will be refused.`,
    runbook: 'databaseconnectionpoolexhausted',
    noDataState: 'NoData',
    noDataReason: absenceIsAFault,
    fault: 'the demo holds 85 idle connections (`{"pgConnectionFlood":85}`)',
    guide: {
      from: 'prometheus-rules',
      expr: 'pg_stat_activity_count / pg_settings_max_connections > 0.8',
      threshold: 0.8,
      for: '5m',
      severity: 'critical',
      team: 'infrastructure',
      why: {
        expr: "pg_stat_activity_count has a series per database and state: the division matches none of them to the server's single max_connections series; summed by server first, it is the server's share in use",
        for: "a leaking client takes the last 20 % of connections within minutes, and then every new client is refused: 2 minutes rides out a deploy's reconnect burst and still warns before the outage",
        team: TEAM_NAMED_AS_ITS_RECEIVER,
      },
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
    threshold: T.memoryUse,
    windowSeconds: 0,
    forSeconds: 600,
    severity: 'warning',
    team: 'infra-team',
    valueFormat: 'percent',
    summary: 'Host {{ $labels.instance }} uses {{ VALUE }} of its memory',
    description: `Less than ${percent(1 - T.memoryUse)} of the memory of {{ $labels.instance }} has been available for 10 minutes.`,
    runbook: 'highmemoryusage',
    noDataState: 'NoData',
    noDataReason: absenceIsAFault,
    fault: 'none on the shared test host (promtool cases only)',
    guide: {
      from: 'prometheus-rules',
      expr: '(1 - (node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)) > 0.85',
      threshold: 0.85,
      for: '10m',
      severity: 'warning',
      team: 'infrastructure',
      why: {
        expr: 'max by job and instance: one series per host, whatever other labels an exporter adds',
        team: TEAM_NAMED_AS_ITS_RECEIVER,
      },
    },
  },
  {
    name: 'AIAgentError',
    uid: 'agentmemory-ai-agent-error',
    group: 'ai-events',
    source: { kind: 'logs_count', query: 'level:CRITICAL', groupBy: 'error_type' },
    comparison: 'gt',
    threshold: T.criticalAiEventCount,
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
    guide: {
      from: 'logstash',
      expr: 'if [requires_attention] == "true" {',
      threshold: 0,
      for: '0s',
      severity: 'warning',
      why: {
        expr: "a count of CRITICAL events in Elasticsearch over 5 minutes by error type, evaluated by Grafana: Logstash posting each event to Alertmanager's v1 API (deprecated since Alertmanager 0.16) pushes an alert per event that only Alertmanager's resolve_timeout ends, and puts Logstash in the alerting path",
        severity:
          "the events counted are the agents' CRITICAL ones: at warning they would never reach the on-call receiver",
        team: 'the guide sets service="mem0-stack" and no team, so its alerts reach only the default receiver; the agents are the AI team\'s',
      },
    },
  },
];

/**
 * A rule's windows at a time scale: the rate window in seconds and both windows as PromQL
 * durations. Windows keep at least 4 scrapes of the end-to-end test's 1 s scrape interval.
 */
export function ruleWindows(rule: AlertRuleSpec, timeScale = 1) {
  const seconds = scaled(rule.windowSeconds, timeScale, 4);
  return {
    seconds,
    window: formatDuration(seconds),
    baseline: formatDuration(scaled(rule.baselineSeconds ?? 0, timeScale, 4)),
  };
}

/** The value of a metrics rule (without its comparison) at a time scale. */
export function ruleValueExpr(rule: AlertRuleSpec, timeScale = 1): string {
  if (rule.source.kind !== 'metrics') {
    throw new Error(`${rule.name} reads AI events in Elasticsearch and has no PromQL form`);
  }
  const { window, baseline } = ruleWindows(rule, timeScale);
  return rule.source.expr(window, baseline);
}

/** The data source query of a rule (refId A), for Grafana and for the conformance evaluator. */
export function ruleQuery(rule: AlertRuleSpec, timeScale = 1): MetricsQueryModel | LogsCountQueryModel {
  if (rule.source.kind === 'metrics') {
    return { queryType: 'metrics', expr: ruleValueExpr(rule, timeScale), instant: true, legendFormat: '__auto' };
  }
  return { queryType: 'logs_count', query: rule.source.query, groupBy: rule.source.groupBy };
}
