import { LIMITS, parseDurationSeconds, type CorrelateQueryModel } from '../../../../contract';
import { checkJaegerName, searchRange, type CommonQuery, type TimeRangeMs } from '../common';

/**
 * The correlated view: one row per memory operation from all three sources. `range` is what
 * Elasticsearch and Jaeger search: the last `window` of the query's range, else all of it (at
 * most its last 31 days).
 */
export interface CorrelateQuery extends CommonQuery {
  queryType: 'correlate';
  /** Jaeger service of the memory spans; default from the settings. */
  service?: string;
  /** Latency quantile, the default applied. */
  quantile: number;
  /** Rate window of the PromQL: the window asked for, else the range searched. */
  rateWindowSeconds: number;
}

export function parseCorrelate(model: CorrelateQueryModel, common: CommonQuery): CorrelateQuery {
  checkJaegerName('service', model.service);
  const windowSeconds = model.window === undefined ? undefined : parseDurationSeconds(model.window);
  const range = searchRange(lastWindowOf(common.range, model.window, windowSeconds, common.notices), common.notices);
  return {
    ...common,
    queryType: 'correlate',
    service: model.service,
    quantile: model.quantile ?? LIMITS.defaultCorrelateQuantile,
    rateWindowSeconds: windowSeconds ?? (range.to - range.from) / 1000,
    range,
  };
}

/**
 * The last `windowSeconds` of the range. A window longer than the range still is the rate window
 * (what the user asked Prometheus for), but the searches keep to the range, and a notice says so.
 */
function lastWindowOf(
  range: TimeRangeMs,
  window: string | undefined,
  windowSeconds: number | undefined,
  notices: string[]
): TimeRangeMs {
  if (windowSeconds === undefined) {
    return range;
  }
  const from = range.to - windowSeconds * 1000;
  if (from < range.from) {
    notices.push(
      `The window ${window} is longer than the time range: latency and error rate cover the last ${window}, top errors and slowest traces the whole range.`
    );
    return range;
  }
  return { from, to: range.to };
}
