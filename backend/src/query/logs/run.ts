import type { Frame } from '../frame';
import { countSearchBody, logsSearchBody } from '../../sources/elasticsearchDsl';
import { elasticsearch, selfOf, type ExecuteContext } from '../context';
import { countFrames, logsFrame } from './frames';
import type { LogsCountQuery, LogsQuery } from './parse';

export async function runLogs(query: LogsQuery, ctx: ExecuteContext): Promise<Frame[]> {
  const { client, guard } = elasticsearch(ctx);
  const response = await guard(() =>
    client.search(logsSearchBody(query.range, query.query, query.filters, query.sort, query.limit), ctx.signal)
  );
  const total = typeof response.hits?.total === 'number' ? response.hits.total : (response.hits?.total?.value ?? 0);
  return [logsFrame(query, response.hits?.hits ?? [], total, selfOf(ctx), response.warnings)];
}

export async function runLogsCount(query: LogsCountQuery, ctx: ExecuteContext): Promise<Frame[]> {
  const { client, guard } = elasticsearch(ctx);
  const rangeMs = query.range.to - query.range.from;
  // At most ~1,000 buckets per series whatever the panel asks.
  const intervalMs = Math.max(query.intervalMs, rangeMs / 1000, 1000);
  const response = await guard(() =>
    client.search(countSearchBody(query.range, query.query, query.filters, query.groupBy, intervalMs), ctx.signal)
  );
  return countFrames(query, response.aggregations, response.warnings);
}
