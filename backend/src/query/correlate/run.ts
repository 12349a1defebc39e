import { MEMORY_SPAN_PREFIX } from '@memstack/telemetry/signals';
import type { Frame } from '../frame';
import { errorsByOperationBody } from '../../sources/elasticsearchDsl';
import type { PromResult } from '../../sources/prometheus';
import { elasticsearch, jaeger, prometheus, selfOf, type ExecuteContext } from '../context';
import { spanExtent } from '../traces/frames';
import { correlatePromQL, correlationFrame, type CorrelationParts } from './frames';
import type { CorrelateQuery } from './parse';

/** At most this many Jaeger searches per correlate query. */
const MAX_CORRELATED_OPERATIONS = 12;

function byOperation(result: PromResult): Map<string, number> {
  const map = new Map<string, number>();
  for (const series of result.series) {
    const value = Number(series.values[0]?.[1]);
    if (series.metric.operation) {
      map.set(series.metric.operation, value);
    }
  }
  return map;
}

/** Instant queries at the end of the range, over the query's rate window. */
async function prometheusPart(query: CorrelateQuery, ctx: ExecuteContext, parts: CorrelationParts) {
  const promQL = correlatePromQL(query);
  const { client, guard } = prometheus(ctx);
  const [latency, errors] = await Promise.all([
    guard(() => client.queryInstant(promQL.latency, query.range.to / 1000, ctx.signal)),
    guard(() => client.queryInstant(promQL.errorRate, query.range.to / 1000, ctx.signal)),
  ]);
  parts.latencySeconds = byOperation(latency);
  parts.errorRate = byOperation(errors);
}

async function elasticsearchPart(query: CorrelateQuery, ctx: ExecuteContext, parts: CorrelationParts) {
  const { client, guard } = elasticsearch(ctx);
  const response = await guard(() => client.search(errorsByOperationBody(query.range), ctx.signal));
  parts.failures.push(...response.warnings);
  const map = new Map<string, Array<{ type: string; count: number }>>();
  for (const bucket of response.aggregations?.operations?.buckets ?? []) {
    map.set(
      String(bucket.key),
      (bucket.errors?.buckets ?? []).map((e: { key: string; doc_count: number }) => ({
        type: String(e.key),
        count: e.doc_count,
      }))
    );
  }
  parts.topErrors = map;
}

/** Jaeger's own list of memory span operations says what to search; the three slowest of each. */
async function jaegerPart(
  query: CorrelateQuery,
  ctx: ExecuteContext,
  parts: CorrelationParts,
  service: string | undefined
) {
  if (!service) {
    parts.failures.push(
      'Jaeger: no service given for the slowest traces; set "service" in the query or jaegerService in the settings.'
    );
    return;
  }
  const { client, guard } = jaeger(ctx);
  const operations = (await guard(() => client.operations(service, ctx.signal))).filter((op) =>
    op.startsWith(MEMORY_SPAN_PREFIX)
  );
  const map = new Map<string, string[]>();
  // Bounded fan-out, which also queues behind the per-source concurrency limit.
  await Promise.all(
    operations.slice(0, MAX_CORRELATED_OPERATIONS).map(async (spanName) => {
      const traces = await guard(() =>
        client.search(
          { service, operation: spanName, tags: {}, limit: 20, startMs: query.range.from, endMs: query.range.to },
          ctx.signal
        )
      );
      const slowest = traces
        .map((t) => ({ id: t.traceID, duration: spanExtent(t.spans).longest }))
        .sort((a, b) => b.duration - a.duration)
        .slice(0, 3)
        .map((t) => t.id);
      map.set(spanName.slice(MEMORY_SPAN_PREFIX.length), slowest);
    })
  );
  parts.slowestTraces = map;
}

/** The three sources in parallel; whatever fails leaves its part empty and a notice naming it. */
export async function runCorrelate(query: CorrelateQuery, ctx: ExecuteContext): Promise<Frame[]> {
  const parts: CorrelationParts = { failures: [] };
  const note = (error: unknown) => parts.failures.push(error instanceof Error ? error.message : String(error));
  const service = query.service ?? ctx.settings.jaegerService;
  await Promise.all([
    prometheusPart(query, ctx, parts).catch(note),
    elasticsearchPart(query, ctx, parts).catch(note),
    jaegerPart(query, ctx, parts, service).catch(note),
  ]);
  return [correlationFrame(query, parts, selfOf(ctx), service)];
}
