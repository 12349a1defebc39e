import {
  protect,
  protectAgentId,
  protectMemoryId,
  redactQueryValues,
  redactUrlQuery,
  redisStatementWithoutArguments,
  resolvePrivacy,
  type ResolvedPrivacy,
} from './privacy.js';
import { SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { RedisInstrumentation } from '@opentelemetry/instrumentation-redis';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Span as SdkSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { BatchSpanProcessor, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { memorySpanName } from './catalog.js';

export const TRACER_NAME = '@memstack/telemetry';

export interface TracingOptions {
  serviceName: string;
  serviceVersion?: string;
  environment?: string;
  /** OTLP/HTTP base URL of Jaeger (or any OTLP intake); default http://127.0.0.1:4318. */
  otlpUrl?: string;
  /** Export each span at once (tests) instead of in batches. */
  simpleExport?: boolean;
  /**
   * Opt-in auto-instrumentation; load pg and redis with require() after setup for them to be
   * traced. Their spans carry no query-string values and no Redis arguments (see
   * `QueryValueRedactor` and `instrumentationsFor`).
   */
  instrument?: { http?: boolean; pg?: boolean; redis?: boolean };
  /** Where spans go instead of OTLP (e.g. an InMemorySpanExporter in tests). */
  exporter?: SpanExporter;
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

/** The span attributes that hold a URL or its query, in the stable and the older HTTP conventions. */
const URL_ATTRIBUTES = ['url.full', 'http.target', 'http.url'] as const;
const QUERY_ATTRIBUTES = ['url.query'] as const;

/**
 * Redacts every query-string value from the URL attributes of each span as it starts, before any
 * exporter can see it (a span processor's onStart gets the span read/write, with the attributes
 * the instrumentation started it with). Why not the HTTP instrumentation's own options: its
 * `redactedQueryParams`/`redactedQueryParamsServer` redact only parameters named in advance, and
 * its start hooks may add attributes but never see the `url.full` it assembles (redoing that
 * assembly here would be a second definition of it). This also covers any other
 * instrumentation the host registers with this provider (e.g. for fetch).
 */
export class QueryValueRedactor implements SpanProcessor {
  onStart(span: SdkSpan, _parentContext: Context): void {
    for (const key of URL_ATTRIBUTES) {
      const value = span.attributes[key];
      if (typeof value === 'string') {
        span.setAttribute(key, redactUrlQuery(value));
      }
    }
    for (const key of QUERY_ATTRIBUTES) {
      const value = span.attributes[key];
      if (typeof value === 'string') {
        span.setAttribute(key, redactQueryValues(value));
      }
    }
  }

  onEnd(): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** The opted-in instrumentations, configured so that what they record follows the privacy policy. */
function instrumentationsFor(instrument: TracingOptions['instrument'] = {}): Instrumentation[] {
  const instrumentations: Instrumentation[] = [];
  if (instrument.http) {
    // URLs are redacted by QueryValueRedactor. The span is named by its method, or "METHOD
    // route" when the host's router reports the route template (never the raw path).
    instrumentations.push(new HttpInstrumentation());
  }
  if (instrument.pg) {
    // The statement is recorded as written (with $1 placeholders); parameter values only with
    // enhancedDatabaseReporting, which stays off: they carry user ids and memory text.
    instrumentations.push(new PgInstrumentation({ enhancedDatabaseReporting: false }));
  }
  if (instrument.redis) {
    // The default serializer keeps keys (and values of some commands); keys carry user ids.
    instrumentations.push(new RedisInstrumentation({ dbStatementSerializer: redisStatementWithoutArguments }));
  }
  return instrumentations;
}

/**
 * The OpenTelemetry Node SDK with the OTLP exporter pointed at Jaeger (the guide's thrift
 * exporter is gone; Jaeger takes OTLP natively). Registers the provider globally.
 */
export function setupTracing(options: TracingOptions): TracingHandle {
  const exporter =
    options.exporter ??
    new OTLPTraceExporter({
      url: `${withoutTrailingSlashes(options.otlpUrl ?? 'http://127.0.0.1:4318')}/v1/traces`,
      timeoutMillis: 5000,
    });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': options.serviceName,
      'service.version': options.serviceVersion ?? '1.0.0',
      'deployment.environment.name': options.environment ?? 'development',
    }),
    // The redactor first: processors run in order, and it must rewrite before anything else reads.
    spanProcessors: [
      new QueryValueRedactor(),
      options.simpleExport
        ? new SimpleSpanProcessor(exporter)
        : new BatchSpanProcessor(exporter, { maxQueueSize: 4096 }),
    ],
  });
  provider.register();
  const instrumentations = instrumentationsFor(options.instrument);
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
  const recordId = protectMemoryId(ctx.recordId, privacy);
  if (recordId !== undefined) {
    attributes['gen_ai.memory.record.id'] = recordId;
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
  return traceOperation(memorySpanName(ctx.operation), memoryOperationAttributes(ctx), (span) => {
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
