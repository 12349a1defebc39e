import type { Frame } from '../frame';
import { jaeger, selfOf, type ExecuteContext } from '../context';
import { traceFrame, traceTableFrame } from './frames';
import type { TracesQuery } from './parse';

/** One trace by id, or a search listed as a table of traces. */
export async function runTraces(query: TracesQuery, ctx: ExecuteContext): Promise<Frame[]> {
  const { client, guard } = jaeger(ctx);
  if (query.traceId) {
    const trace = await guard(() => client.trace(query.traceId!, ctx.signal));
    return [traceFrame(query, trace)];
  }
  const traces = await guard(() =>
    client.search(
      {
        service: query.service!,
        operation: query.operation,
        tags: query.tags,
        minDuration: query.minDuration,
        maxDuration: query.maxDuration,
        limit: query.limit,
        startMs: query.range.from,
        endMs: query.range.to,
      },
      ctx.signal
    )
  );
  return [traceTableFrame(query, traces, selfOf(ctx))];
}
