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
import {
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { RedisInstrumentation } from '@opentelemetry/instrumentation-redis';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Span as SdkSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { BatchSpanProcessor, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { memorySpanName } from './catalog.js';
import type { GenAiMemoryOperationName } from './signals/genaiMemoryConventions.js';

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
 * Runs `fn` in a span of the given kind: `operation.type=ai_memory` and the given attributes, the
 * error recorded with status ERROR and re-thrown, `duration_ms` at the end.
 */
function runInSpan<T>(
  name: string,
  kind: SpanKind,
  attributes: Attributes,
  fn: (span: Span) => T | Promise<T>
): Promise<T> {
  return tracer().startActiveSpan(name, { kind }, async (span) => {
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

/**
 * Runs `fn` in an INTERNAL span: `operation.type=ai_memory` and the given attributes, the error
 * recorded with status ERROR and re-thrown, `duration_ms` at the end (as the guide's
 * trace_operation). Without a registered provider the span is a no-op.
 */
export async function traceOperation<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => T | Promise<T>
): Promise<T> {
  return runInSpan(name, SpanKind.INTERNAL, attributes, fn);
}

/** A child span of the active one, e.g. `generate_embedding` inside a search. */
export function traceChild<T>(name: string, attributes: Attributes, fn: (span: Span) => T | Promise<T>): Promise<T> {
  return traceOperation(name, attributes, fn);
}

/**
 * `gen_ai.operation.name` of each SDK operation, from the well-known values of the GenAI memory
 * conventions (GEN_AI_MEMORY_OPERATION_NAMES). mem0's `add` extracts facts and itself decides to
 * create, update or skip each, which the conventions call `upsert_memory`; `get`, `getAll` and
 * `history` read records, which they call `search_memory`. An operation not listed here keeps its
 * own name, a custom value the conventions allow.
 */
export const GEN_AI_MEMORY_OPERATIONS: Record<string, GenAiMemoryOperationName> = {
  add: 'upsert_memory',
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

/** The provider instrumentMem0 reports in `gen_ai.provider.name` (not a well-known value; the conventions allow custom ones). */
export const MEM0_PROVIDER_NAME = 'mem0';

/** One memory record as `gen_ai.memory.records` holds it (the conventions' memory records JSON schema). */
export interface MemoryRecord {
  id?: string;
  content: unknown;
  score?: number;
}

export interface MemoryOperationContext {
  operation: string;
  agentId?: string;
  agentType?: string;
  userId?: string;
  contextSize?: number;
  /** `gen_ai.provider.name`; default "mem0". */
  provider?: string;
  /** `gen_ai.memory.store.id`, e.g. the collection. */
  storeId?: string;
  /** `gen_ai.memory.record.id` of get/update/delete. */
  recordId?: string;
  /** `gen_ai.memory.record.count` known before the call: the records a write attempts. */
  recordCount?: number;
  /** `gen_ai.memory.records` known before the call (an update's new content); only as `privacy.memoryRecords` allows. */
  records?: MemoryRecord[];
  /** Recorded as `gen_ai.memory.query.text` only as `privacy.queryText` allows (opt-in, as the convention says). */
  query?: string;
  /** @deprecated use `privacy: { queryText: 'keep' }`. */
  recordQueryText?: boolean;
  /** What of the user the span may carry; default: user id hashed, no query text, no records. */
  privacy?: ResolvedPrivacy;
}

const defaultPrivacy = resolvePrivacy();

/**
 * `gen_ai.memory.records` as a JSON string (span attributes cannot hold structures, which the
 * conventions allow for), or nothing unless the host opted in: records hold the memories' text.
 */
function recordsAttribute(records: MemoryRecord[] | undefined, privacy: ResolvedPrivacy): string | undefined {
  return records !== undefined && privacy.memoryRecords === 'keep' ? JSON.stringify(records) : undefined;
}

/** Attributes of a memory operation span: our own `ai.*` and the GenAI memory conventions. */
export function memoryOperationAttributes(ctx: MemoryOperationContext): Attributes {
  const privacy = ctx.privacy ?? defaultPrivacy;
  const queryText = ctx.recordQueryText ? 'keep' : privacy.queryText;
  const attributes: Attributes = {
    'ai.operation': ctx.operation,
    'ai.agent_id': (protectAgentId(ctx.agentId, privacy) as string | undefined) ?? 'unknown',
    'ai.context_size': ctx.contextSize ?? 0,
    'gen_ai.operation.name': GEN_AI_MEMORY_OPERATIONS[ctx.operation] ?? ctx.operation,
    'gen_ai.provider.name': ctx.provider ?? MEM0_PROVIDER_NAME,
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
  if (ctx.recordCount !== undefined) {
    attributes['gen_ai.memory.record.count'] = ctx.recordCount;
  }
  const records = recordsAttribute(ctx.records, privacy);
  if (records !== undefined) {
    attributes['gen_ai.memory.records'] = records;
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
  /** `gen_ai.memory.record.count` known after the call: the records a search returned. */
  recordCount?: number;
  /** `gen_ai.memory.records` returned or stored; only as `privacy.memoryRecords` allows. */
  records?: MemoryRecord[];
}

/** What the outcome adds to the span, through the same privacy policy as the start attributes. */
function outcomeAttributes(outcome: MemoryOperationOutcome, privacy: ResolvedPrivacy): Attributes {
  const attributes: Attributes = {};
  if (outcome.resultCount !== undefined) {
    attributes['ai.result_count'] = outcome.resultCount;
  }
  if (outcome.cacheHit !== undefined) {
    attributes['ai.cache_hit'] = outcome.cacheHit;
  }
  if (outcome.recordCount !== undefined) {
    attributes['gen_ai.memory.record.count'] = outcome.recordCount;
  }
  const records = recordsAttribute(outcome.records, privacy);
  if (records !== undefined) {
    attributes['gen_ai.memory.records'] = records;
  }
  return privacy.redactSpanAttributes ? privacy.redactSpanAttributes(attributes) : attributes;
}

/** `error.type`: the error's class name, low in cardinality as the conventions ask; `_OTHER` for a non-Error. */
function errorType(error: unknown): string {
  return error instanceof Error && error.name ? error.name : '_OTHER';
}

/**
 * A memory operation span of kind CLIENT (the memory store is another service, as the GenAI
 * memory conventions expect) named `ai.memory.<operation>` (the guide's name, which dashboards,
 * the correlate query and users' searches rely on), carrying `ai.trace_id`, `ai.result_count` /
 * `ai.cache_hit` and `gen_ai.memory.record.count` / `gen_ai.memory.records` from what `fn`
 * reports, and `error.type` when it fails.
 */
export function traceMemoryOperation<T>(
  ctx: MemoryOperationContext,
  fn: (span: Span, report: (o: MemoryOperationOutcome) => void) => T | Promise<T>
): Promise<T> {
  const privacy = ctx.privacy ?? defaultPrivacy;
  return runInSpan(memorySpanName(ctx.operation), SpanKind.CLIENT, memoryOperationAttributes(ctx), async (span) => {
    span.setAttribute('ai.trace_id', span.spanContext().traceId);
    const report = (outcome: MemoryOperationOutcome) => span.setAttributes(outcomeAttributes(outcome, privacy));
    try {
      return await fn(span, report);
    } catch (error) {
      span.setAttribute('error.type', errorType(error));
      throw error;
    }
  });
}
