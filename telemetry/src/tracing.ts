import { protect, protectAgentId, resolvePrivacy, type ResolvedPrivacy } from './privacy.js';
import { SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { RedisInstrumentation } from '@opentelemetry/instrumentation-redis';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';

export const TRACER_NAME = '@memstack/telemetry';

export interface TracingOptions {
  serviceName: string;
  serviceVersion?: string;
  environment?: string;
  /** OTLP/HTTP base URL of Jaeger (or any OTLP intake); default http://127.0.0.1:4318. */
  otlpUrl?: string;
  /** Export each span at once (tests) instead of in batches. */
  simpleExport?: boolean;
  /** Opt-in auto-instrumentation; load pg and redis with require() after setup for them to be traced. */
  instrument?: { http?: boolean; pg?: boolean; redis?: boolean };
}

export interface TracingHandle {
  provider: NodeTracerProvider;
  tracer: Tracer;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** A loop, not /\/+$/: V8 runs that pattern in time quadratic in a run of slashes not at the end. */
function withoutTrailingSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url.charCodeAt(end - 1) === 47 /* "/" */) {
    end--;
  }
  return url.slice(0, end);
}

/**
 * The OpenTelemetry Node SDK with the OTLP exporter pointed at Jaeger (the guide's thrift
 * exporter is gone; Jaeger takes OTLP natively). Registers the provider globally.
 */
export function setupTracing(options: TracingOptions): TracingHandle {
  const exporter = new OTLPTraceExporter({
    url: `${withoutTrailingSlashes(options.otlpUrl ?? 'http://127.0.0.1:4318')}/v1/traces`,
    timeoutMillis: 5000,
  });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': options.serviceName,
      'service.version': options.serviceVersion ?? '1.0.0',
      'deployment.environment.name': options.environment ?? 'development',
    }),
    spanProcessors: [
      options.simpleExport
        ? new SimpleSpanProcessor(exporter)
        : new BatchSpanProcessor(exporter, { maxQueueSize: 4096 }),
    ],
  });
  provider.register();
  const instrumentations: Instrumentation[] = [];
  if (options.instrument?.http) {
    instrumentations.push(new HttpInstrumentation());
  }
  if (options.instrument?.pg) {
    instrumentations.push(new PgInstrumentation());
  }
  if (options.instrument?.redis) {
    instrumentations.push(new RedisInstrumentation());
  }
  const unregister =
    instrumentations.length > 0
      ? registerInstrumentations({ tracerProvider: provider, instrumentations })
      : () => undefined;
  return {
    provider,
    tracer: provider.getTracer(TRACER_NAME),
    forceFlush: () => provider.forceFlush(),
    shutdown: async () => {
      unregister();
      await provider.shutdown();
    },
  };
}

function tracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

/**
 * Runs `fn` in a span: `operation.type=ai_memory` and the given attributes, the error recorded
 * with status ERROR and re-thrown, `duration_ms` at the end (as the guide's trace_operation).
 * Without a registered provider the span is a no-op.
 */
export async function traceOperation<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => T | Promise<T>
): Promise<T> {
  return tracer().startActiveSpan(name, async (span) => {
    const started = performance.now();
    try {
      span.setAttribute('operation.type', 'ai_memory');
      span.setAttributes(attributes);
      return await fn(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message ?? String(error) });
      throw error;
    } finally {
      span.setAttribute('duration_ms', performance.now() - started);
      span.end();
    }
  });
}

/** A child span of the active one, e.g. `generate_embedding` inside a search. */
export function traceChild<T>(name: string, attributes: Attributes, fn: (span: Span) => T | Promise<T>): Promise<T> {
  return traceOperation(name, attributes, fn);
}

/** OpenTelemetry GenAI memory operation names (semantic-conventions-genai#140). */
export const GEN_AI_MEMORY_OPERATIONS: Record<string, string> = {
  add: 'create_memory',
  create: 'create_memory',
  search: 'search_memory',
  get: 'search_memory',
  getAll: 'search_memory',
  history: 'search_memory',
  update: 'update_memory',
  upsert: 'upsert_memory',
  consolidate: 'upsert_memory',
  delete: 'delete_memory',
  deleteAll: 'delete_memory',
};

export interface MemoryOperationContext {
  operation: string;
  agentId?: string;
  agentType?: string;
  userId?: string;
  contextSize?: number;
  /** `gen_ai.memory.store.id`, e.g. the collection. */
  storeId?: string;
  /** `gen_ai.memory.record.id` of get/update/delete. */
  recordId?: string;
  /** Recorded as `gen_ai.memory.query.text` only as `privacy.queryText` allows (opt-in, as the convention says). */
  query?: string;
  /** @deprecated use `privacy: { queryText: 'keep' }`. */
  recordQueryText?: boolean;
  /** What of the user the span may carry; default: user id hashed, no query text. */
  privacy?: ResolvedPrivacy;
}

const defaultPrivacy = resolvePrivacy();

/** Attributes of a memory operation span: the guide's `ai.*` and the GenAI memory conventions. */
export function memoryOperationAttributes(ctx: MemoryOperationContext): Attributes {
  const privacy = ctx.privacy ?? defaultPrivacy;
  const queryText = ctx.recordQueryText ? 'keep' : privacy.queryText;
  const attributes: Attributes = {
    'ai.operation': ctx.operation,
    'ai.agent_id': (protectAgentId(ctx.agentId, privacy) as string | undefined) ?? 'unknown',
    'ai.context_size': ctx.contextSize ?? 0,
    'gen_ai.operation.name': GEN_AI_MEMORY_OPERATIONS[ctx.operation] ?? ctx.operation,
    'gen_ai.system': 'mem0',
  };
  if (ctx.agentType) {
    attributes['ai.agent_type'] = ctx.agentType;
  }
  if (ctx.storeId) {
    attributes['gen_ai.memory.store.id'] = ctx.storeId;
  }
  if (ctx.recordId) {
    attributes['gen_ai.memory.record.id'] = ctx.recordId;
  }
  const userId = protect(ctx.userId, privacy.userId, privacy);
  if (userId !== undefined) {
    attributes['ai.user_id'] = userId;
  }
  const query = protect(ctx.query, queryText, privacy);
  if (query !== undefined) {
    attributes['gen_ai.memory.query.text'] = query;
  }
  return privacy.redactSpanAttributes ? privacy.redactSpanAttributes(attributes) : attributes;
}

export interface MemoryOperationOutcome {
  resultCount?: number;
  cacheHit?: boolean;
}

/**
 * A memory operation span named `ai.memory.<operation>` (the guide's name) carrying
 * `ai.trace_id`, and `ai.result_count` / `ai.cache_hit` from what `fn` reports.
 */
export function traceMemoryOperation<T>(
  ctx: MemoryOperationContext,
  fn: (span: Span, report: (o: MemoryOperationOutcome) => void) => T | Promise<T>
): Promise<T> {
  return traceOperation(`ai.memory.${ctx.operation}`, memoryOperationAttributes(ctx), (span) => {
    span.setAttribute('ai.trace_id', span.spanContext().traceId);
    const report = (outcome: MemoryOperationOutcome) => {
      if (outcome.resultCount !== undefined) {
        span.setAttribute('ai.result_count', outcome.resultCount);
      }
      if (outcome.cacheHit !== undefined) {
        span.setAttribute('ai.cache_hit', outcome.cacheHit);
      }
    };
    return fn(span, report);
  });
}
