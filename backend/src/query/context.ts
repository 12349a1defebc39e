import type { SourceId } from '../../../contract';
import type { DataSourceSettings, SourceSettings } from '../settings';
import type { Lane, SourceBreakers } from '../sources/breakers';
import { ElasticsearchClient, ELASTICSEARCH } from '../sources/elasticsearch';
import { JaegerClient, JAEGER } from '../sources/jaeger';
import { PrometheusClient, PROMETHEUS } from '../sources/prometheus';
import { configuredSource } from '../sources/sourceError';
import type { QueryTimings } from '../sources/timings';
import type { SelfLink } from './links';

/** What a query runs with: this instance's settings and breakers, and the request's signal. */
export interface ExecuteContext {
  settings: DataSourceSettings;
  breakers: SourceBreakers;
  signal?: AbortSignal;
  /** Whose queue the query's upstream calls wait in: alert evaluations have their own. */
  lane?: Lane;
  /** This query's own: its clients add their upstream wait and parse time. */
  timings?: QueryTimings;
}

export function selfOf(ctx: ExecuteContext): SelfLink {
  return { uid: ctx.settings.uid, name: ctx.settings.name };
}

/** A configured upstream's client and its breaker; "not configured" names the source and the fix. */
function upstream<S extends SourceSettings, C>(
  ctx: ExecuteContext,
  name: SourceId,
  settings: S | undefined,
  Client: new (settings: S, timings?: QueryTimings) => C
) {
  const configured = configuredSource(settings, name);
  return {
    client: new Client(configured, ctx.timings),
    guard: <T>(fn: () => Promise<T>) => ctx.breakers.call(name, configured, fn, ctx.signal, ctx.lane),
  };
}

export const prometheus = (ctx: ExecuteContext) => upstream(ctx, PROMETHEUS, ctx.settings.prometheus, PrometheusClient);
export const elasticsearch = (ctx: ExecuteContext) =>
  upstream(ctx, ELASTICSEARCH, ctx.settings.elasticsearch, ElasticsearchClient);
export const jaeger = (ctx: ExecuteContext) => upstream(ctx, JAEGER, ctx.settings.jaeger, JaegerClient);
