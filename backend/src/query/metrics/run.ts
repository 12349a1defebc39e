import type { Frame } from '../frame';
import { prometheus, type ExecuteContext } from '../context';
import { promResultToFrames } from './frames';
import type { MetricsQuery } from './parse';
import { interpolateMacros, lowerIntervalSec, PROMETHEUS_MAX_POINTS, rangeWindow } from './window';

/** A range or instant query against Prometheus, the step raised (with a notice) where it must be. */
export async function runMetrics(query: MetricsQuery, ctx: ExecuteContext): Promise<Frame[]> {
  const { client, guard } = prometheus(ctx);
  const lowerSec = lowerIntervalSec(query, ctx.settings.scrapeIntervalSec);
  const window = rangeWindow(query, ctx.settings.scrapeIntervalSec);
  const requested = Math.max(query.intervalMs / 1000, lowerSec);
  if (
    !query.instant &&
    window.stepSec > requested &&
    window.stepSec >= (query.range.to - query.range.from) / 1000 / PROMETHEUS_MAX_POINTS
  ) {
    query.notices.push(
      `The step was raised to ${window.stepSec}s to keep each series under ${PROMETHEUS_MAX_POINTS} points (or the panel's max data points).`
    );
  }
  const expr = interpolateMacros(query.expr, window, query.range, lowerSec);
  if (query.instant) {
    const result = await guard(() => client.queryInstant(expr, query.range.to / 1000, ctx.signal));
    return promResultToFrames(query, result, `Expr: ${expr}\nTime: ${new Date(query.range.to).toISOString()}`);
  }
  const result = await guard(() => client.queryRange(expr, window.startSec, window.endSec, window.stepSec, ctx.signal));
  return promResultToFrames(query, result, `Expr: ${expr}\nStep: ${window.stepSec}s`, window.stepSec);
}
