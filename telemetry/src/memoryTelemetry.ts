import { Registry } from 'prom-client';
import {
  BREAKER_STATE_VALUES,
  CATALOG,
  type CatalogKey,
  DEGRADATION_LEVEL_VALUES,
  UNREADABLE_PARTS,
  type UnreadablePart,
  type WriteDecision,
} from './catalog.js';
import { LabelGuard, OTHER_LABEL_VALUE, SeriesGuard } from './labelGuard.js';
import { createTelemetryRegistry, type CatalogMetrics, type TelemetryRegistryOptions } from './registry.js';
import { classifyQuery, contextGrowthPerHour, type QueryPattern, type TimedSample } from './patterns.js';
import { activeTraceId } from './traceContext.js';
import { protectAgentId, resolvePrivacy, type PrivacyOptions, type ResolvedPrivacy } from './privacy.js';
import { errorMessage, safeString } from './safeText.js';

export type OperationStatus = 'success' | 'error';
export type BreakerStateName = keyof typeof BREAKER_STATE_VALUES | string;
export type DegradationLevelName = keyof typeof DEGRADATION_LEVEL_VALUES | string;

export interface MemoryTelemetryOptions extends TelemetryRegistryOptions {
  /** Distinct `agent_id` label values before folding into `__other__`; default 100. */
  agentIdCap?: number;
  /** Distinct values of every other label a caller supplies (operation, agent_type, endpoint…); default 100. */
  labelCap?: number;
  /**
   * Distinct label sets (series) per metric; beyond it a new label set is recorded with every
   * value `__other__` and counted in ai_telemetry_label_values_folded_total{label="__series__"}.
   * Default 1,000.
   */
  seriesCap?: number;
  /** Receives misuse reports (a folded label, an invalid value), once each; never throws into the host. */
  logger?: (message: string) => void;
  /**
   * The user part of an `agent_id` written "type:user" is a user id: it is hashed (the default),
   * dropped or kept in the `agent_id` label as this policy says, as in events and spans.
   */
  privacy?: PrivacyOptions;
}

const MAX_LABEL_LENGTH = 128;

/** Distinct misuse reports remembered; beyond it further new reports are suppressed. */
export const MAX_REPORT_KINDS = 100;

/** `label` of ai_telemetry_label_values_folded_total when a whole label set was folded by the series cap. */
export const SERIES_FOLD_LABEL = '__series__';

/**
 * `status` of ai_memory_operations_total is "success" or "error". Anything else a caller passes
 * is recorded as "error": a non-success is far more often a failure by another name ("failed",
 * "timeout") than a success, and the error-rate alerts then err on the side of firing.
 */
export function operationStatusLabel(status: unknown): OperationStatus {
  return status === 'success' ? 'success' : 'error';
}

/**
 * The SDK's entry point for metrics: the catalog on one registry plus recording helpers that
 * never throw into the application that embeds them.
 */
export class MemoryTelemetry {
  readonly registry: Registry<any>;
  readonly metrics: CatalogMetrics;
  /** Whether the registry speaks OpenMetrics, so the latency histogram carries trace exemplars. */
  readonly exemplars: boolean;
  private readonly agentIds: LabelGuard;
  private readonly privacy: ResolvedPrivacy;
  private readonly labels: LabelGuard;
  private readonly series: SeriesGuard;
  private readonly log: (message: string) => void;
  private readonly reported = new Set<string>();
  private readonly lastAccess = new Map<string, number>();
  private readonly storeAgentTypes = new Set<string>();

  constructor(options: MemoryTelemetryOptions = {}) {
    const { registry, metrics, exemplars } = createTelemetryRegistry(options);
    this.registry = registry;
    this.metrics = metrics;
    this.exemplars = exemplars;
    this.log = options.logger ?? (() => undefined);
    this.privacy = resolvePrivacy(options.privacy);
    const onFold = (label: string) =>
      this.reportOnce(
        `fold:${label}`,
        `telemetry: ${label} reached its cap of distinct values; new values are folded into __other__`
      );
    this.agentIds = new LabelGuard({ cap: options.agentIdCap, onFold });
    this.labels = new LabelGuard({ cap: options.labelCap, onFold });
    this.series = new SeriesGuard({ cap: options.seriesCap });
    // Shown at 0 from the start, so "nothing unreadable" is a value rather than no series.
    for (const operation of ['add', 'search']) {
      UNREADABLE_PARTS.forEach((what) => this.metrics.unreadableResults.inc({ operation, what }, 0));
    }
  }

  /**
   * Records one finished memory operation: its count by status and its latency (with the trace as
   * exemplar). A status other than "success" or "error" is recorded as "error" (operationStatusLabel).
   */
  recordOperation(operation: string, agentType: string, status: OperationStatus, seconds: number): void {
    this.safely('recordOperation', () => {
      const op = this.label('operation', operation);
      const type = this.label('agent_type', agentType);
      if (status !== 'success' && status !== 'error') {
        this.reportOnce(
          'status',
          'telemetry: an operation status other than "success" or "error" was recorded as "error"'
        );
      }
      // Literal objects, not spreads: prom-client hashes label objects on every call, and a
      // spread-built object took it from ~0.2 to ~0.9 µs (npm run bench:sdk).
      this.metrics.memoryOperations.inc(
        this.guardSeries('memoryOperations', { operation: op, agent_type: type, status: operationStatusLabel(status) })
      );
      if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
        this.reportOnce('duration', `telemetry: ignored an invalid duration (${safeString(seconds)} s) of ${op}`);
        return;
      }
      const labels = this.guardSeries('memoryOperationDuration', { operation: op, agent_type: type });
      const traceId = this.exemplars ? activeTraceId() : undefined;
      if (traceId) {
        this.metrics.memoryOperationDuration.observe({ labels, value: seconds, exemplarLabels: { trace_id: traceId } });
      } else if (this.exemplars) {
        this.metrics.memoryOperationDuration.observe({ labels, value: seconds });
      } else {
        this.metrics.memoryOperationDuration.observe(labels, seconds);
      }
    });
  }

  /** A cache lookup of one layer (e.g. redis, vector, graph): 1 for a hit, 0 for a miss. */
  trackCacheHit(cacheLayer: string, operation: string, hit: boolean): void {
    this.safely('trackCacheHit', () =>
      this.metrics.cacheHitRatio.observe(
        this.guardSeries('cacheHitRatio', {
          cache_layer: this.label('cache_layer', cacheLayer),
          operation: this.label('operation', operation),
        }),
        hit === true ? 1 : 0
      )
    );
  }

  /** Sets the current context size of one agent; `agent_id` is capped. */
  setContextSize(agentId: string, agentType: string, bytes: number): void {
    this.safely('setContextSize', () =>
      this.metrics.contextSize.set(
        this.guardSeries('contextSize', {
          agent_id: this.agentIdLabel(agentId),
          agent_type: this.label('agent_type', agentType),
        }),
        this.finite('context size', bytes)
      )
    );
  }

  setActiveSessions(agentType: string, sessions: number): void {
    this.safely('setActiveSessions', () =>
      this.metrics.activeSessions.set(
        this.guardSeries('activeSessions', { agent_type: this.label('agent_type', agentType) }),
        this.finite('active sessions', sessions)
      )
    );
  }

  /** Relevance of one memory returned by a search, 0..1. */
  trackRelevanceScore(agentType: string, score: number): void {
    this.safely('trackRelevanceScore', () =>
      this.metrics.relevanceScore.observe(
        this.guardSeries('relevanceScore', { agent_type: this.label('agent_type', agentType) }),
        this.finite('relevance score', score)
      )
    );
  }

  trackBatchSize(operationType: string, size: number): void {
    this.safely('trackBatchSize', () =>
      this.metrics.batchOperationSize.observe(
        this.guardSeries('batchOperationSize', { operation_type: this.label('operation_type', operationType) }),
        this.finite('batch size', size)
      )
    );
  }

  /** What one write did: `count` memories added, updated, deleted, or left as they were (`none`). */
  trackWriteOutcome(operation: string, agentType: string, decision: WriteDecision, count = 1): void {
    this.safely('trackWriteOutcome', () => {
      const labels = {
        operation: this.label('operation', operation),
        agent_type: this.label('agent_type', agentType),
        decision,
      };
      this.metrics.memoryWriteOutcomes.inc(
        this.guardSeries('memoryWriteOutcomes', labels),
        this.finite('count', count)
      );
    });
  }

  /** Memories one add stored: 0 when all its facts were already stored or none was extracted. */
  trackMemoriesPerAdd(agentType: string, added: number): void {
    this.safely('trackMemoriesPerAdd', () =>
      this.metrics.memoriesPerAdd.observe(
        this.guardSeries('memoriesPerAdd', { agent_type: this.label('agent_type', agentType) }),
        this.finite('memories added', added)
      )
    );
  }

  /** One search's outcome: how many memories it returned, and the best one's similarity when scored. */
  trackSearchOutcome(agentType: string, results: number, topSimilarity?: number): void {
    this.safely('trackSearchOutcome', () => {
      const labels = { agent_type: this.label('agent_type', agentType) };
      this.metrics.searchResults.observe(
        this.guardSeries('searchResults', labels),
        this.finite('result count', results)
      );
      if (topSimilarity !== undefined) {
        const score = Math.max(0, Math.min(1, this.finite('similarity', topSimilarity)));
        this.metrics.searchTopSimilarity.observe(this.guardSeries('searchTopSimilarity', labels), score);
      }
    });
  }

  /** The age of one recalled memory, seconds since it was last written. */
  trackRecallAge(agentType: string, seconds: number): void {
    this.safely('trackRecallAge', () =>
      this.metrics.recallAge.observe(
        this.guardSeries('recallAge', { agent_type: this.label('agent_type', agentType) }),
        Math.max(0, this.finite('recall age', seconds))
      )
    );
  }

  /**
   * One whole sample of the memories in the store per agent type. Types the label guard folds are
   * summed into `__other__`; a type of an earlier sample that is now absent drops to 0 (its
   * memories are gone), so growth is never read from a stale series. A sample with an invalid
   * count is refused whole, so the gauge never shows half of one. Returns whether it was recorded.
   */
  setStoreMemories(counts: Readonly<Record<string, number>>): boolean {
    let recorded = false;
    this.safely('setStoreMemories', () => {
      const totals = new Map<string, number>();
      for (const [agentType, count] of Object.entries(counts)) {
        if (this.finite('memory count', count) < 0) {
          throw new Error(`invalid memory count ${count}`);
        }
        const labels = this.guardSeries('storeMemories', { agent_type: this.label('agent_type', agentType) });
        totals.set(labels.agent_type, (totals.get(labels.agent_type) ?? 0) + count);
      }
      for (const agentType of this.storeAgentTypes) {
        if (!totals.has(agentType)) {
          this.metrics.storeMemories.set({ agent_type: agentType }, 0);
        }
      }
      for (const [agentType, total] of totals) {
        this.metrics.storeMemories.set({ agent_type: agentType }, total);
        this.storeAgentTypes.add(agentType); // guarded labels: at most the cap plus __other__
      }
      recorded = true;
    });
    return recorded;
  }

  /**
   * A part of a memory library's answer the SDK could not read, so the signals it carries are
   * missing (reported once per operation and part as well).
   */
  countUnreadable(operation: string, what: UnreadablePart): void {
    this.safely('countUnreadable', () => {
      this.metrics.unreadableResults.inc({ operation: this.label('operation', operation), what });
      this.reportOnce(
        `unreadable:${operation}:${what}`,
        `telemetry: could not read the ${what} of a ${operation} answer`
      );
    });
  }

  /** closed 0, open 1, half_open 2; anything else -1 (unknown). */
  setCircuitBreakerState(serviceName: string, state: BreakerStateName): void {
    this.safely('setCircuitBreakerState', () =>
      this.metrics.circuitBreakerState.set(
        this.guardSeries('circuitBreakerState', { service_name: this.label('service_name', serviceName) }),
        encoded(BREAKER_STATE_VALUES, typeof state === 'string' ? state.replace('-', '_') : undefined)
      )
    );
  }

  trackCircuitBreakerFailure(serviceName: string, errorType: string): void {
    this.safely('trackCircuitBreakerFailure', () =>
      this.metrics.circuitBreakerFailures.inc(
        this.guardSeries('circuitBreakerFailures', {
          service_name: this.label('service_name', serviceName),
          error_type: this.label('error_type', errorType),
        })
      )
    );
  }

  /** normal 0, reduced 1, essential 2, readonly 3, maintenance 4; anything else -1 (unknown). */
  setDegradationLevel(serviceName: string, level: DegradationLevelName): void {
    this.safely('setDegradationLevel', () =>
      this.metrics.degradationLevel.set(
        this.guardSeries('degradationLevel', { service_name: this.label('service_name', serviceName) }),
        encoded(DEGRADATION_LEVEL_VALUES, typeof level === 'string' ? level : undefined)
      )
    );
  }

  /** Time since this agent type's previous memory access (or since `lastAccessMs`). */
  trackMemoryAccess(agentType: string, lastAccessMs?: number, nowMs = Date.now()): void {
    this.safely('trackMemoryAccess', () => {
      const now = this.finite('access time', nowMs);
      const given = lastAccessMs === undefined ? undefined : this.finite('last access time', lastAccessMs);
      // Keyed by the guarded label: at most the label cap plus __other__ entries.
      const type = this.label('agent_type', agentType);
      const previous = given ?? this.lastAccess.get(type);
      this.lastAccess.set(type, now);
      if (previous !== undefined && now >= previous) {
        this.metrics.memoryAccessInterval.observe(
          this.guardSeries('memoryAccessInterval', { agent_type: type }),
          (now - previous) / 1000
        );
      }
    });
  }

  trackDecisionConfidence(agentType: string, decisionType: string, score: number): void {
    this.safely('trackDecisionConfidence', () =>
      this.metrics.decisionConfidence.observe(
        this.guardSeries('decisionConfidence', {
          agent_type: this.label('agent_type', agentType),
          decision_type: this.label('decision_type', decisionType),
        }),
        this.finite('confidence', score)
      )
    );
  }

  setConsolidationRatio(agentType: string, ratio: number): void {
    this.safely('setConsolidationRatio', () =>
      this.metrics.consolidationRatio.set(
        this.guardSeries('consolidationRatio', { agent_type: this.label('agent_type', agentType) }),
        this.finite('consolidation ratio', ratio)
      )
    );
  }

  /** Sets the growth rate gauge of one agent, bytes per hour; `agent_id` is capped. */
  setContextGrowthRate(agentId: string, bytesPerHour: number): void {
    this.safely('setContextGrowthRate', () =>
      this.metrics.contextGrowthRate.set(
        this.guardSeries('contextGrowthRate', { agent_id: this.agentIdLabel(agentId) }),
        this.finite('growth rate', bytesPerHour)
      )
    );
  }

  /** Classifies a query with the guide's rules and counts it; returns the pattern. */
  trackQueryPattern(query: string, agentType: string): QueryPattern {
    const pattern = classifyQuery(typeof query === 'string' ? query : '');
    this.safely('trackQueryPattern', () =>
      this.metrics.queryPatterns.inc(
        this.guardSeries('queryPatterns', { pattern_type: pattern, agent_type: this.label('agent_type', agentType) })
      )
    );
    return pattern;
  }

  /** Sets the growth rate from context size samples (per second, or timed); returns it. */
  updateContextGrowth(agentId: string, samples: readonly number[] | readonly TimedSample[]): number | undefined {
    let rate: number | undefined;
    this.safely('updateContextGrowth', () => {
      rate = contextGrowthPerHour(samples);
    });
    if (rate !== undefined) {
      this.setContextGrowthRate(agentId, rate);
    }
    return rate;
  }

  /**
   * Returns the `agent_id` label value to use: the user part protected by the privacy policy
   * (metrics never carry a readable user id), counting values folded beyond the cap. Never throws.
   */
  agentIdLabel(agentId: string): string {
    try {
      // Text first, then the policy: a non-string whose text is "type:user" is a user id too.
      const protectedId = protectAgentId(this.text('agent_id', agentId), this.privacy) as string;
      const { value, folded } = this.agentIds.admit('agent_id', protectedId);
      if (folded) {
        this.metrics.foldedLabelValues.inc({ metric: 'agent', label: 'agent_id' });
      }
      return value;
    } catch (error) {
      this.reportOnce('error:agentIdLabel', `telemetry: could not make an agent_id label: ${errorMessage(error)}`);
      return OTHER_LABEL_VALUE;
    }
  }

  /** Prometheus (or OpenMetrics) text of everything on the registry. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /**
   * Reports a misuse once per key through the logger hook. Keys name a kind of misuse, never a
   * value; at most MAX_REPORT_KINDS keys are remembered, and a logger that throws is ignored.
   */
  reportOnce(key: string, message: string): void {
    if (this.reported.has(key)) {
      return;
    }
    if (this.reported.size >= MAX_REPORT_KINDS) {
      return;
    }
    this.reported.add(key);
    this.logSafely(
      this.reported.size === MAX_REPORT_KINDS
        ? `${safeString(message)} (telemetry: further distinct reports are suppressed)`
        : safeString(message)
    );
  }

  /**
   * The labels to record for one series of `metric`: these, or, once the metric has
   * `seriesCap` distinct label sets, all of them `__other__` (counted in
   * ai_telemetry_label_values_folded_total{metric=<name>,label="__series__"}). Used by the
   * SDK's own recorders (http.ts); label values must already be guarded by `label()`.
   */
  guardSeries<L extends Record<string, string>>(metric: CatalogKey, labels: L): L {
    const name = CATALOG[metric].name;
    const admitted = this.series.admit(name, labels);
    if (admitted.folded) {
      this.metrics.foldedLabelValues.inc({ metric: name, label: SERIES_FOLD_LABEL });
      this.reportOnce(
        `series:${metric}`,
        `telemetry: ${name} reached its cap of ${this.series.cap} series; new label sets are folded into __other__`
      );
    }
    return admitted.labels;
  }

  /**
   * The label value to record for a value a caller or a request supplied: converted to usable
   * text, then admitted by the label guard, which folds values beyond the cap into `__other__`
   * (counted in ai_telemetry_label_values_folded_total{metric="all"}). Never throws.
   */
  label(name: string, value: unknown): string {
    try {
      const { value: admitted, folded } = this.labels.admit(name, this.text(name, value));
      if (folded) {
        this.metrics.foldedLabelValues.inc({ metric: 'all', label: name });
      }
      return admitted;
    } catch (error) {
      this.reportOnce('error:label', `telemetry: could not make a label: ${errorMessage(error)}`);
      return OTHER_LABEL_VALUE;
    }
  }

  /** A usable label text: strings pass, other values are converted, empty or unprintable ones become "unknown". */
  private text(name: string, value: unknown): string {
    if (typeof value === 'string' && value !== '' && value.length <= MAX_LABEL_LENGTH) {
      return value;
    }
    if (value === undefined || value === null || value === '') {
      this.reportOnce(`label:${name}:empty`, `telemetry: label ${name} had no value; recorded as "unknown"`);
      return 'unknown';
    }
    const text = typeof value === 'string' ? value : safeString(value, '');
    if (text === '') {
      this.reportOnce(
        `label:${name}:unprintable`,
        `telemetry: label ${name} got a value without text; recorded as "unknown"`
      );
      return 'unknown';
    }
    if (text.length > MAX_LABEL_LENGTH) {
      this.reportOnce(
        `label:${name}:long`,
        `telemetry: label ${name} value longer than ${MAX_LABEL_LENGTH} characters was truncated`
      );
      return text.slice(0, MAX_LABEL_LENGTH);
    }
    this.reportOnce(`label:${name}:type`, `telemetry: label ${name} got a ${typeof value}; converted to text`);
    return text;
  }

  private finite(what: string, value: number): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new Error(`invalid ${what} ${safeString(value)}`);
    }
    return value;
  }

  /** Runs one recording; a fault is reported once per recorder (`kind`), never per value, and never thrown. */
  private safely(kind: string, record: () => void): void {
    try {
      record();
    } catch (error) {
      this.reportOnce(`error:${kind}`, `telemetry: could not record a metric: ${errorMessage(error)}`);
    }
  }

  private logSafely(message: string): void {
    try {
      this.log(message);
    } catch {
      // the host's logger failing must not fail the host's call
    }
  }
}

/** The guide's number of a state or level, or -1; own keys only (no "constructor" or "toString"). */
function encoded(values: Readonly<Record<string, number>>, name: string | undefined): number {
  return name !== undefined && Object.hasOwn(values, name) ? values[name] : -1;
}
