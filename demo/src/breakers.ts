import CircuitBreaker from 'opossum';
import type { MemoryTelemetry } from '@memstack/telemetry';

/** Errors of the demo's backends, typed so that events and breaker metrics name them. */
export class BackendUnavailableError extends Error {
  constructor(
    readonly service: string,
    message: string
  ) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}

export class BackendTimeoutError extends Error {
  constructor(readonly service: string) {
    super(`${service} did not answer in time`);
    this.name = 'BackendTimeoutError';
  }
}

export interface Breakers {
  /** Runs `fn` through the named backend's breaker; rejects fast while it is open. */
  call<T>(service: string, fn: () => Promise<T>): Promise<T>;
  state(service: string): 'closed' | 'open' | 'half_open';
  /** Latency added before each call of a service (fault injection). */
  latency: Record<string, number>;
  shutdown(): void;
}

const TIMEOUT_MS: Record<string, number> = {
  redis: 500,
  neo4j: 2000,
  postgres: 1000,
  vector_store: 2000,
  elasticsearch: 3000,
};

function errorType(error: unknown): string {
  const e = error as { name?: string; code?: string };
  if (e?.code === 'ETIMEDOUT' || e?.name === 'TimeoutError') {
    return 'TimeoutError';
  }
  return e?.name && e.name !== 'Error' ? e.name : 'ConnectionError';
}

/**
 * One opossum circuit breaker per backend. States and failures go to the catalog metrics
 * (`circuit_breaker_state`, `circuit_breaker_failures_total{error_type}`); an open breaker
 * fails calls at once instead of waiting for a dead backend.
 */
export function createBreakers(
  telemetry: MemoryTelemetry,
  services: string[],
  latency: Record<string, number>,
  resetTimeoutMs = 3000
): Breakers {
  const breakers = new Map<string, CircuitBreaker<[() => Promise<unknown>], unknown>>();
  for (const service of services) {
    const breaker = new CircuitBreaker(
      async (fn: () => Promise<unknown>) => {
        const extra = latency[service] ?? 0;
        if (extra > 0) {
          await new Promise((resolve) => setTimeout(resolve, extra));
        }
        return fn();
      },
      {
        name: service,
        timeout: TIMEOUT_MS[service] ?? 1000,
        errorThresholdPercentage: 50,
        volumeThreshold: 3,
        rollingCountTimeout: 10_000,
        resetTimeout: resetTimeoutMs,
        // A memory that another agent already deleted is the caller's problem, not the backend's.
        errorFilter: (error: Error) => /not found|does not exist/i.test(error?.message ?? ''),
      }
    );
    breaker.on('open', () => telemetry.setCircuitBreakerState(service, 'open'));
    breaker.on('halfOpen', () => telemetry.setCircuitBreakerState(service, 'half_open'));
    breaker.on('close', () => telemetry.setCircuitBreakerState(service, 'closed'));
    breaker.on('failure', (error: unknown) => telemetry.trackCircuitBreakerFailure(service, errorType(error)));
    breaker.on('timeout', () => telemetry.trackCircuitBreakerFailure(service, 'TimeoutError'));
    telemetry.setCircuitBreakerState(service, 'closed');
    // Failure series exist from the start at 0, so that rate() sees the first failure.
    for (const errorKind of ['TimeoutError', 'ConnectionError']) {
      telemetry.metrics.circuitBreakerFailures.inc({ service_name: service, error_type: errorKind }, 0);
    }
    breakers.set(service, breaker);
  }
  return {
    latency,
    async call<T>(service: string, fn: () => Promise<T>): Promise<T> {
      const breaker = breakers.get(service);
      if (!breaker) {
        return fn();
      }
      try {
        return (await breaker.fire(fn)) as T;
      } catch (error) {
        if (breaker.opened) {
          throw new BackendUnavailableError(
            service,
            `${service} is unavailable (circuit open): ${(error as Error).message}`
          );
        }
        if ((error as { code?: string }).code === 'ETIMEDOUT') {
          throw new BackendTimeoutError(service);
        }
        throw error;
      }
    },
    state(service) {
      const breaker = breakers.get(service);
      return breaker?.opened ? 'open' : breaker?.halfOpen ? 'half_open' : 'closed';
    },
    shutdown() {
      breakers.forEach((b) => b.shutdown());
    },
  };
}
