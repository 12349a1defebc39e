import { isSpanContextValid, trace } from '@opentelemetry/api';

/** The trace id of the active span, for exemplars and events; undefined outside a trace. */
export function activeTraceId(): string | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  return context && isSpanContextValid(context) ? context.traceId : undefined;
}
