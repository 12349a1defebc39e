import { Registry } from 'prom-client';
import { BREAKER_STATE_VALUES, DEGRADATION_LEVEL_VALUES } from './catalog.js';
import { LabelGuard } from './labelGuard.js';
import { createTelemetryRegistry, type CatalogMetrics, type TelemetryRegistryOptions } from './registry.js';
import { classifyQuery, contextGrowthPerHour, type QueryPattern, type TimedSample } from './patterns.js';
import { activeTraceId } from './traceContext.js';
import { protectAgentId, resolvePrivacy, type PrivacyOptions, type ResolvedPrivacy } from './privacy.js';

export type OperationStatus = 'success' | 'error';
export type BreakerStateName = keyof typeof BREAKER_STATE_VALUES | string;
export type DegradationLevelName = keyof typeof DEGRADATION_LEVEL_VALUES | string;

export interface MemoryTelemetryOptions extends TelemetryRegistryOptions {
  /** Distinct `agent_id` label values before folding into `__other__`; default 100. */
  agentIdCap?: number;
  /** Distinct values of every other label a caller supplies (operation, agent_type, endpoint…); default 100. */
  labelCap?: number;
  /** Receives misuse reports (a folded label, an invalid value), once each; never throws into the host. */
  logger?: (message: string) => void;
  /**
   * The user part of an `agent_id` written "type:user" is a user id: it is hashed (the default),
   * dropped or kept in the `agent_id` label as this policy says, as in events and spans.
   */
  privacy?: PrivacyOptions;
}

const MAX_LABEL_LENGTH = 128;

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
  private readonly log: (message: string) => void;
  private readonly reported = new Set<string>();
  private readonly lastAccess = new Map<string, number>();

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
  }

  /** Records one finished memory operation: its count by status and its latency (with the trace as exemplar). */
  recordOperation(operation: string, agentType: string, status: OperationStatus, seconds: number): void {
    this.safely(() => {
      const op = this.label('operation', operation);
      const type = this.label('agent_type', agentType);
      // Literal objects, not spreads: prom-client hashes label objects on every call, and a
      // spread-built object took it from ~0.2 to ~0.9 µs (npm run bench:sdk).
      this.metrics.memoryOperations.inc({ operation: op, agent_type: type, status });
      const labels = { operation: op, agent_type: type };
      if (!Number.isFinite(seconds) || seconds < 0) {
        this.reportOnce('duration', `telemetry: ignored invalid duration ${seconds} for ${operation}`);
        return;
      }
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
    this.safely(() =>
      this.metrics.cacheHitRatio.observe(
        { cache_layer: this.label('cache_layer', cacheLayer), operation: this.label('operation', operation) },
        hit ? 1 : 0
      )
    );
  }

  /** Sets the current context size of one agent; `agent_id` is capped. */
  setContextSize(agentId: string, agentType: string, bytes: number): void {
    this.safely(() =>
      this.metrics.contextSize.set(
        { agent_id: this.agentIdLabel(agentId), agent_type: this.label('agent_type', agentType) },
        this.finite('context size', bytes)
      )
    );
  }

  setActiveSessions(agentType: string, sessions: number): void {
    this.safely(() =>
      this.metrics.activeSessions.set(
        { agent_type: this.label('agent_type', agentType) },
        this.finite('active sessions', sessions)
      )
    );
  }

  /** Relevance of one memory returned by a search, 0..1. */
  trackRelevanceScore(agentType: string, score: number): void {
    this.safely(() =>
      this.metrics.relevanceScore.observe(
        { agent_type: this.label('agent_type', agentType) },
        this.finite('relevance score', score)
      )
    );
  }

  trackBatchSize(operationType: string, size: number): void {
    this.safely(() =>
      this.metrics.batchOperationSize.observe(
        { operation_type: this.label('operation_type', operationType) },
        this.finite('batch size', size)
      )
    );
  }

  /** closed 0, open 1, half_open 2; anything else -1 (unknown). */
  setCircuitBreakerState(serviceName: string, state: BreakerStateName): void {
    const value = (BREAKER_STATE_VALUES as Record<string, number>)[String(state).replace('-', '_')] ?? -1;
    this.safely(() =>
      this.metrics.circuitBreakerState.set({ service_name: this.label('service_name', serviceName) }, value)
    );
  }

  trackCircuitBreakerFailure(serviceName: string, errorType: string): void {
    this.safely(() =>
      this.metrics.circuitBreakerFailures.inc({
        service_name: this.label('service_name', serviceName),
        error_type: this.label('error_type', errorType),
      })
    );
  }

  /** normal 0, reduced 1, essential 2, readonly 3, maintenance 4; anything else -1 (unknown). */
  setDegradationLevel(serviceName: string, level: DegradationLevelName): void {
    const value = (DEGRADATION_LEVEL_VALUES as Record<string, number>)[String(level)] ?? -1;
    this.safely(() =>
      this.metrics.degradationLevel.set({ service_name: this.label('service_name', serviceName) }, value)
    );
  }

  /** Time since this agent type's previous memory access (or since `lastAccessMs`). */
  trackMemoryAccess(agentType: string, lastAccessMs?: number, nowMs = Date.now()): void {
    this.safely(() => {
      // Keyed by the guarded label: at most the label cap plus __other__ entries.
      const type = this.label('agent_type', agentType);
      const previous = lastAccessMs ?? this.lastAccess.get(type);
      this.lastAccess.set(type, nowMs);
      if (previous !== undefined && nowMs >= previous) {
        this.metrics.memoryAccessInterval.observe({ agent_type: type }, (nowMs - previous) / 1000);
      }
    });
  }

  trackDecisionConfidence(agentType: string, decisionType: string, score: number): void {
    this.safely(() =>
      this.metrics.decisionConfidence.observe(
        { agent_type: this.label('agent_type', agentType), decision_type: this.label('decision_type', decisionType) },
        this.finite('confidence', score)
      )
    );
  }

  setConsolidationRatio(agentType: string, ratio: number): void {
    this.safely(() =>
      this.metrics.consolidationRatio.set(
        { agent_type: this.label('agent_type', agentType) },
        this.finite('consolidation ratio', ratio)
      )
    );
  }

  /** Sets the growth rate gauge of one agent, bytes per hour; `agent_id` is capped. */
  setContextGrowthRate(agentId: string, bytesPerHour: number): void {
    this.safely(() =>
      this.metrics.contextGrowthRate.set(
        { agent_id: this.agentIdLabel(agentId) },
        this.finite('growth rate', bytesPerHour)
      )
    );
  }

  /** Classifies a query with the guide's rules and counts it; returns the pattern. */
  trackQueryPattern(query: string, agentType: string): QueryPattern {
    const pattern = classifyQuery(typeof query === 'string' ? query : '');
    this.safely(() =>
      this.metrics.queryPatterns.inc({ pattern_type: pattern, agent_type: this.label('agent_type', agentType) })
    );
    return pattern;
  }

  /** Sets the growth rate from context size samples (per second, or timed); returns it. */
  updateContextGrowth(agentId: string, samples: readonly number[] | readonly TimedSample[]): number | undefined {
    const rate = contextGrowthPerHour(samples);
    if (rate !== undefined) {
      this.setContextGrowthRate(agentId, rate);
    }
    return rate;
  }

  /**
   * Returns the `agent_id` label value to use: the user part protected by the privacy policy
   * (metrics never carry a readable user id), counting values folded beyond the cap.
   */
  agentIdLabel(agentId: string): string {
    const protectedId = protectAgentId(agentId, this.privacy);
    const { value, folded } = this.agentIds.admit('agent_id', this.text('agent_id', protectedId));
    if (folded) {
      this.metrics.foldedLabelValues.inc({ metric: 'agent', label: 'agent_id' });
    }
    return value;
  }

  /** Prometheus (or OpenMetrics) text of everything on the registry. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** Reports a misuse once per key through the logger hook. */
  reportOnce(key: string, message: string): void {
    if (!this.reported.has(key)) {
      this.reported.add(key);
      this.log(message);
    }
  }

  /**
   * The label value to record for a value a caller or a request supplied: converted to usable
   * text, then admitted by the label guard, which folds values beyond the cap into `__other__`
   * (counted in ai_telemetry_label_values_folded_total{metric="all"}).
   */
  label(name: string, value: unknown): string {
    const { value: admitted, folded } = this.labels.admit(name, this.text(name, value));
    if (folded) {
      this.metrics.foldedLabelValues.inc({ metric: 'all', label: name });
    }
    return admitted;
  }

  /** A usable label text: strings pass, other values are converted, empty ones become "unknown". */
  private text(name: string, value: unknown): string {
    if (typeof value === 'string' && value !== '' && value.length <= MAX_LABEL_LENGTH) {
      return value;
    }
    if (value === undefined || value === null || value === '') {
      this.reportOnce(`label:${name}:empty`, `telemetry: label ${name} had no value; recorded as "unknown"`);
      return 'unknown';
    }
    const text = String(value);
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
      throw new Error(`invalid ${what} ${String(value)}`);
    }
    return value;
  }

  private safely(record: () => void): void {
    try {
      record();
    } catch (error) {
      this.reportOnce(
        `error:${(error as Error).message}`,
        `telemetry: could not record a metric: ${(error as Error).message}`
      );
    }
  }
}
