import type { MemoryTelemetry } from './memoryTelemetry.js';

/**
 * Runs `fn` as one memory operation: counts it by status, observes its latency, and gives back
 * exactly what `fn` gave: its value, or its error re-thrown untouched. Recording never throws.
 */
export async function trackOperation<T>(
  telemetry: MemoryTelemetry,
  operation: string,
  agentType: string,
  fn: () => T | Promise<T>
): Promise<T> {
  const started = performance.now();
  try {
    const result = await fn();
    telemetry.recordOperation(operation, agentType, 'success', (performance.now() - started) / 1000);
    return result;
  } catch (error) {
    telemetry.recordOperation(operation, agentType, 'error', (performance.now() - started) / 1000);
    throw error;
  }
}

/** Wraps an async function so that each call is tracked as `operation`. */
export function wrapOperation<A extends unknown[], R>(
  telemetry: MemoryTelemetry,
  operation: string,
  agentType: string,
  fn: (...args: A) => R | Promise<R>
): (...args: A) => Promise<R> {
  return function (this: unknown, ...args: A) {
    return trackOperation(telemetry, operation, agentType, () => fn.apply(this, args));
  };
}

/** The telemetry of a decorated call; a source function that throws leaves the call untracked, never failed. */
function telemetryOf(source: TelemetrySource, self: unknown): MemoryTelemetry | undefined {
  try {
    return typeof source === 'function' ? source(self) : source;
  } catch {
    return undefined;
  }
}

/** Where a decorated method finds its telemetry: an instance, or a function of `this`. */
export type TelemetrySource = MemoryTelemetry | ((self: any) => MemoryTelemetry | undefined);

/**
 * Standard (TC39, TypeScript 5) method decorator:
 *
 *     class MemoryService {
 *       @trackedOperation((self) => self.telemetry, 'search', 'coding')
 *       async search(query: string) { … }
 *     }
 *
 * Without a telemetry (the source answers undefined) the method runs untracked.
 */
export function trackedOperation(source: TelemetrySource, operation: string, agentType: string) {
  return function <This, A extends unknown[], R>(
    method: (this: This, ...args: A) => R | Promise<R>,
    context: ClassMethodDecoratorContext<This>
  ) {
    if (context.kind !== 'method') {
      throw new Error('trackedOperation decorates methods only');
    }
    return function (this: This, ...args: A): Promise<R> {
      const telemetry = telemetryOf(source, this);
      if (!telemetry) {
        return Promise.resolve().then(() => method.apply(this, args));
      }
      return trackOperation(telemetry, operation, agentType, () => method.apply(this, args));
    };
  };
}
