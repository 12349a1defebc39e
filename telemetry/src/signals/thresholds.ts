/**
 * The thresholds the alert rules fire on and the dashboards and overview draw: one definition each,
 * so a panel's red line is where the alert fires. Values are in the metric's own unit. Where a
 * value differs from the guide's, src/alerting/rules.ts (`guide.why.threshold`) says why.
 */
export const THRESHOLDS = {
  /** p95 of a memory operation's latency (seconds) above which HighMemoryOperationLatency fires. */
  operationLatencyP95Seconds: 0.5,
  /** Share of failed memory operations above which HighErrorRate fires. */
  operationErrorShare: 0.05,
  /** Share of HTTP requests answered 5xx above which HighHttpErrorRate fires (the guide's 5 %). */
  httpServerErrorShare: 0.05,
  /** Cache hit ratio under which LowCacheHitRatio fires; `cacheHitRatioGood` is where panels turn green. */
  cacheHitRatioMin: 0.7,
  cacheHitRatioGood: 0.85,
  /** Health score (0–100): under `healthScoreDegraded` is unhealthy, under `healthScoreHealthy` degraded. */
  healthScoreDegraded: 50,
  healthScoreHealthy: 80,
  /** Context growth against the fleet's median growth (factor) above which the anomaly rule fires. */
  contextGrowthFactor: 3,
  /**
   * Consolidation ratio (the share of scanned memories a consolidation run keeps distinct) under
   * which MemoryConsolidationBacklog fires.
   */
  consolidationBacklogShare: 0.3,
  /** Share of a database connection pool in use above which the pool rule fires. */
  connectionPoolUse: 0.8,
  /** Share of memory in use above which HighMemoryUsage fires (the guide's 85 %). */
  memoryUse: 0.85,
  /** Circuit breaker state (0 closed, 1 open, 2 half-open) above which CircuitBreakerOpen fires. */
  circuitBreakerClosedState: 0,
  /**
   * Degradation level (0 normal, 1 reduced, 2 essential, 3 read-only, 4 maintenance) above which
   * ServiceDegraded fires: at 1 every operation is still served.
   */
  degradationLevelTolerated: 1,
  /** CRITICAL AI events in the rule's window above which AIAgentError fires. */
  criticalAiEventCount: 0,
  /** Share of writes that updated or deleted a memory above which MemoryChurnSpike fires. */
  memoryChurnShare: 0.8,
  /** Share of adds that stored nothing above which MemoryEmptyAddFlood fires. */
  emptyAddShare: 0.9,
  /** Share of searches that returned no memory above which EmptyMemorySearches fires. */
  emptySearchShare: 0.3,
  /**
   * Mean best-match similarity of searches against its own longer-term mean (factor) under which
   * MemorySimilarityDrop fires.
   */
  similarityBaselineFactor: 0.7,
  /** Median age (seconds) of recalled memories above which StaleMemoryRecall fires: 30 days. */
  recallAgeMedianSeconds: 30 * 86_400,
} as const;
