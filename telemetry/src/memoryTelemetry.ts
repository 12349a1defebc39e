import type { Registry } from 'prom-client';
import { LabelGuard } from './labelGuard.js';
import { createTelemetryRegistry, type CatalogMetrics, type TelemetryRegistryOptions } from './registry.js';

export type OperationStatus = 'success' | 'error';

export interface MemoryTelemetryOptions extends TelemetryRegistryOptions {
  /** Distinct `agent_id` label values before folding into `__other__`; default 100. */
  agentIdCap?: number;
  /** Receives misuse reports (a folded label, an invalid value); never throws into the host. */
  logger?: (message: string) => void;
}

/**
 * The SDK's entry point for metrics: the catalog on one registry plus recording helpers that
 * never throw into the application that embeds them.
 */
export class MemoryTelemetry {
  readonly registry: Registry;
  readonly metrics: CatalogMetrics;
  private readonly agentIds: LabelGuard;
  private readonly log: (message: string) => void;

  constructor(options: MemoryTelemetryOptions = {}) {
    const { registry, metrics } = createTelemetryRegistry(options);
    this.registry = registry;
    this.metrics = metrics;
    this.log = options.logger ?? (() => undefined);
    this.agentIds = new LabelGuard({
      cap: options.agentIdCap,
      onFold: (label) =>
        this.log(`telemetry: ${label} reached its cap of distinct values; new values are folded into __other__`),
    });
  }

  /** Records one finished memory operation: its count by status and its latency. */
  recordOperation(operation: string, agentType: string, status: OperationStatus, seconds: number): void {
    this.safely(() => {
      this.metrics.memoryOperations.inc({ operation, agent_type: agentType, status });
      if (Number.isFinite(seconds) && seconds >= 0) {
        this.metrics.memoryOperationDuration.observe({ operation, agent_type: agentType }, seconds);
      } else {
        this.log(`telemetry: ignored invalid duration ${seconds} for ${operation}`);
      }
    });
  }

  /** Sets the current context size of one agent; `agent_id` is capped. */
  setContextSize(agentId: string, agentType: string, bytes: number): void {
    this.safely(() => {
      this.metrics.contextSize.set({ agent_id: this.agentIdLabel(agentId), agent_type: agentType }, bytes);
    });
  }

  /** Returns the `agent_id` label value to use, counting values folded beyond the cap. */
  agentIdLabel(agentId: string): string {
    const { value, folded } = this.agentIds.admit('agent_id', agentId);
    if (folded) {
      this.metrics.foldedLabelValues.inc({ metric: 'agent', label: 'agent_id' });
    }
    return value;
  }

  /** Prometheus text exposition of everything on the registry. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private safely(record: () => void): void {
    try {
      record();
    } catch (error) {
      this.log(`telemetry: could not record a metric: ${(error as Error).message}`);
    }
  }
}
