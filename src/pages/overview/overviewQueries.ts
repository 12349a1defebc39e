// Types only from @grafana/data: this module is also imported by the Chromium specs, in Node.
import type { DataFrame } from '@grafana/data';
import {
  BREAKER_STATES,
  counterRate,
  counterShare,
  DEGRADATION_LEVELS,
  eq,
  gauge,
  histogramQuantile,
  type Severity as StateSeverity,
  stateOf,
  THRESHOLDS,
} from '@memstack/telemetry/signals';
import type { LogsCountQueryModel, LogsQueryModel, MetricsQueryModel } from '../../../contract';
import { ALERT_RULES, ruleValueExpr, type AlertRuleSpec } from '../../alerting/rules';

/**
 * What the overview asks and how it reads the answers: pure, so the numbers a user sees are
 * unit-tested apart from React and I/O. Every query goes through the Agent Memory data source;
 * the PromQL comes from the dashboards' typed helpers, over a fixed 5-minute window (instant
 * queries have no dashboard interval to derive $__rate_interval from).
 */
export const WINDOW = '5m';
/** The range of the top error types. */
export const ERRORS_RANGE_MS = 60 * 60 * 1000;

/**
 * The memory quality measures, each the value of its alert rule over the rule's own windows, so
 * that a cell is coloured exactly when the rule's condition holds (before its `for`).
 */
export const QUALITY_RULES = {
  churn: 'MemoryChurnSpike',
  emptyAdds: 'MemoryEmptyAddFlood',
  emptySearches: 'EmptyMemorySearches',
  similarity: 'MemorySimilarityDrop',
  recallAge: 'StaleMemoryRecall',
} as const;
export type QualityMeasure = keyof typeof QUALITY_RULES;
export const QUALITY_MEASURES = Object.keys(QUALITY_RULES) as QualityMeasure[];

export function qualityRule(measure: QualityMeasure): AlertRuleSpec {
  const rule = ALERT_RULES.find((r) => r.name === QUALITY_RULES[measure]);
  if (!rule) {
    throw new Error(`no alert rule ${QUALITY_RULES[measure]} for the overview's ${measure}`);
  }
  return rule;
}

export type OverviewQueryId =
  'health' | 'degradation' | 'breakers' | 'rate' | 'errors' | 'p99' | 'topErrors' | QualityMeasure;

const qualityQuery = (measure: QualityMeasure) =>
  ({ refId: measure, queryType: 'metrics', instant: true, expr: ruleValueExpr(qualityRule(measure)) }) as const;

/** Every overview query is a metrics query except the top error types, which count events. */
export type OverviewQuery = (MetricsQueryModel | LogsCountQueryModel) & { refId: OverviewQueryId };

export const OVERVIEW_QUERIES = {
  health: { refId: 'health', queryType: 'metrics', instant: true, expr: gauge('min', 'systemHealthScore') },
  degradation: {
    refId: 'degradation',
    queryType: 'metrics',
    instant: true,
    expr: gauge('max', 'degradationLevel', {}, ['service_name']),
  },
  breakers: {
    refId: 'breakers',
    queryType: 'metrics',
    instant: true,
    expr: gauge('max', 'circuitBreakerState', {}, ['service_name']),
  },
  rate: {
    refId: 'rate',
    queryType: 'metrics',
    instant: true,
    expr: counterRate('memoryOperations', {}, ['operation'], WINDOW),
  },
  errors: {
    refId: 'errors',
    queryType: 'metrics',
    instant: true,
    expr: counterShare('memoryOperations', { status: eq('error') }, {}, ['operation'], WINDOW),
  },
  p99: {
    refId: 'p99',
    queryType: 'metrics',
    instant: true,
    expr: histogramQuantile(0.99, 'memoryOperationDuration', {}, ['operation'], WINDOW),
  },
  topErrors: {
    refId: 'topErrors',
    queryType: 'logs_count',
    groupBy: 'error_type',
    filters: { level: ['ERROR', 'CRITICAL'] },
  },
  churn: qualityQuery('churn'),
  emptyAdds: qualityQuery('emptyAdds'),
  emptySearches: qualityQuery('emptySearches'),
  similarity: qualityQuery('similarity'),
  recallAge: qualityQuery('recallAge'),
} satisfies Record<OverviewQueryId, OverviewQuery>;

/** One labelled number: the last value of a series. */
export interface Labelled {
  key: string;
  value: number;
}

/** Each numeric field of the frames (a series), with the value of one of its labels. */
function* series(frames: DataFrame[], label: string): Generator<{ key: string; values: Array<number | null> }> {
  for (const frame of frames) {
    for (const field of frame.fields) {
      if (String(field.type) === 'number') {
        yield { key: field.labels?.[label] ?? '', values: field.values as Array<number | null> };
      }
    }
  }
}

/** The last non-null value of each series, keyed by one of its labels (sorted by key). */
export function lastValues(frames: DataFrame[], label: string): Labelled[] {
  const out: Labelled[] = [];
  for (const { key, values } of series(frames, label)) {
    for (let i = values.length - 1; i >= 0; i--) {
      const v = values[i];
      if (v !== null && v !== undefined && Number.isFinite(v)) {
        out.push({ key, value: v });
        break;
      }
    }
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

/** The sum over time of each series (counts per interval → counts in the range), largest first. */
export function totals(frames: DataFrame[], label: string): Labelled[] {
  const out: Labelled[] = [];
  for (const { key, values } of series(frames, label)) {
    const sum = values.reduce<number>((acc, v) => acc + (v ?? 0), 0);
    if (sum > 0) {
      out.push({ key, value: sum });
    }
  }
  return out.sort((a, b) => b.value - a.value || a.key.localeCompare(b.key));
}

export interface ServiceState {
  service: string;
  /** -1 when the service reports no level. */
  degradation: number;
  /** -1 when the service has no breaker. */
  breaker: number;
}

export interface OperationRow {
  operation: string;
  ratePerSecond?: number;
  /** Share of calls that failed, 0..1. */
  errorShare?: number;
  p99Seconds?: number;
}

/** The quality measures of one agent type (the worst over jobs where several report it). */
export interface QualityRow {
  agentType: string;
  values: Partial<Record<QualityMeasure, number>>;
}

export interface OverviewModel {
  /** 0..100, undefined when no service reports one. */
  healthScore?: number;
  services: ServiceState[];
  operations: OperationRow[];
  topErrors: Labelled[];
  quality: QualityRow[];
}

export type OverviewFrames = Record<OverviewQueryId, DataFrame[]>;

export function buildModel(frames: OverviewFrames): OverviewModel {
  const health = lastValues(frames.health, '');
  const services = new Map<string, ServiceState>();
  const service = (name: string) => {
    const s = services.get(name) ?? { service: name, degradation: -1, breaker: -1 };
    services.set(name, s);
    return s;
  };
  for (const { key, value } of lastValues(frames.degradation, 'service_name')) {
    service(key).degradation = value;
  }
  for (const { key, value } of lastValues(frames.breakers, 'service_name')) {
    service(key).breaker = value;
  }
  const operations = new Map<string, OperationRow>();
  const operation = (name: string) => {
    const o = operations.get(name) ?? { operation: name };
    operations.set(name, o);
    return o;
  };
  for (const { key, value } of lastValues(frames.rate, 'operation')) {
    operation(key).ratePerSecond = value;
  }
  for (const { key, value } of lastValues(frames.errors, 'operation')) {
    operation(key).errorShare = value;
  }
  for (const { key, value } of lastValues(frames.p99, 'operation')) {
    operation(key).p99Seconds = value;
  }
  return {
    healthScore: health.length ? Math.min(...health.map((h) => h.value)) : undefined,
    services: [...services.values()].sort((a, b) => a.service.localeCompare(b.service)),
    operations: [...operations.values()].sort((a, b) => a.operation.localeCompare(b.operation)),
    topErrors: totals(frames.topErrors, 'error_type').slice(0, 10),
    quality: qualityRows(frames),
  };
}

/** Whether a value is on the rule's firing side of its threshold. */
const breaches = (rule: AlertRuleSpec, value: number) =>
  rule.comparison === 'gt' ? value > rule.threshold : value < rule.threshold;

function qualityRows(frames: OverviewFrames): QualityRow[] {
  const rows = new Map<string, QualityRow>();
  for (const measure of QUALITY_MEASURES) {
    const rule = qualityRule(measure);
    for (const { key, value } of lastValues(frames[measure], 'agent_type')) {
      const row = rows.get(key) ?? { agentType: key, values: {} };
      rows.set(key, row);
      const known = row.values[measure];
      // Of two jobs, the one nearer to firing: the larger value where the rule fires above.
      const worse = rule.comparison === 'gt' ? Math.max : Math.min;
      row.values[measure] = known === undefined ? value : worse(known, value);
    }
  }
  return [...rows.values()].sort((a, b) => a.agentType.localeCompare(b.agentType));
}

/** A quality value's severity: its rule's severity where the rule's condition holds, else ok. */
export function qualitySeverity(measure: QualityMeasure, value?: number): Severity {
  if (value === undefined || !Number.isFinite(value)) {
    return 'unknown';
  }
  const rule = qualityRule(measure);
  return breaches(rule, value) ? rule.severity : 'ok';
}

export type Verdict = 'healthy' | 'degraded' | 'unhealthy' | 'unknown';

/** How bad one state is: the verdict, the verdict's details and the badges all read it. */
export type Severity = StateSeverity | 'unknown';

/** A degradation level's severity, from the SDK's encoding (essential and read-only are critical). */
export function degradationSeverity(level: number): Severity {
  return stateOf(DEGRADATION_LEVELS, level)?.severity ?? 'unknown';
}

/** A breaker state's severity, from the SDK's encoding: open is critical, half-open a warning. */
export function breakerSeverity(state: number): Severity {
  return stateOf(BREAKER_STATES, state)?.severity ?? 'unknown';
}

/** The one-word answer to "is my agents' memory healthy right now?". */
export function verdict(model: OverviewModel): Verdict {
  if (model.healthScore === undefined && model.services.length === 0) {
    return 'unknown';
  }
  const levels = model.services.map((s) => degradationSeverity(s.degradation));
  const health = model.healthScore ?? 100;
  if (health < THRESHOLDS.healthScoreDegraded || levels.includes('critical')) {
    return 'unhealthy';
  }
  const openBreaker = model.services.some((s) => breakerSeverity(s.breaker) === 'critical');
  if (openBreaker || levels.includes('warning') || health < THRESHOLDS.healthScoreHealthy) {
    return 'degraded';
  }
  return 'healthy';
}

export const degradationName = (level: number) => stateOf(DEGRADATION_LEVELS, level)?.display ?? 'not reported';
export const breakerName = (state: number) => stateOf(BREAKER_STATES, state)?.display ?? 'no breaker';

/** What the overview's Explore links open: the row's own series over Explore's range. */
export const EXPLORE_QUERIES = {
  p99: (operation: string): MetricsQueryModel => ({
    queryType: 'metrics',
    expr: histogramQuantile(0.99, 'memoryOperationDuration', { operation: eq(operation) }, ['operation']),
    legendFormat: 'p99 {{operation}}',
  }),
  errorEvents: (errorType: string): LogsQueryModel => ({
    queryType: 'logs',
    filters: { level: ['ERROR', 'CRITICAL'], error_type: [errorType] },
    sort: 'desc',
    limit: 100,
  }),
};
