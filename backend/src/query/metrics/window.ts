import type { MetricsQuery } from './parse';

/** Prometheus refuses range queries of more than 11,000 points per series. */
export const PROMETHEUS_MAX_POINTS = 11_000;

export interface RangeWindow {
  startSec: number;
  endSec: number;
  stepSec: number;
}

/**
 * The step and aligned window of a range query, as Grafana's Prometheus data source computes
 * them: the panel interval, raised to the lower limit (minStep, else the data source's scrape
 * interval) and to what keeps a series under 11,000 points and under maxDataPoints; start and end
 * aligned to the step so that refreshes hit the same samples. The scrape interval floor is what
 * Grafana's query runner applies in the browser from the data source's `interval`; it is applied
 * here too so that alert rules, which skip the browser, get the same step.
 * Grafana: RATE-INTERVAL (docs/grafana-behaviour.md)
 */
export function rangeWindow(query: MetricsQuery, scrapeIntervalSec: number): RangeWindow {
  const rangeSec = Math.max(0, (query.range.to - query.range.from) / 1000);
  const candidates = [
    query.intervalMs / 1000,
    lowerIntervalSec(query, scrapeIntervalSec),
    rangeSec / PROMETHEUS_MAX_POINTS,
    0.001,
  ];
  if (query.maxDataPoints > 0) {
    candidates.push(rangeSec / query.maxDataPoints);
  }
  let stepSec = Math.max(...candidates);
  stepSec = stepSec >= 1 ? Math.ceil(stepSec) : Math.round(stepSec * 1000) / 1000;
  const startSec = Math.floor(query.range.from / 1000 / stepSec) * stepSec;
  const endSec = Math.ceil(query.range.to / 1000 / stepSec) * stepSec;
  return { startSec, endSec, stepSec };
}

/** The query's own minStep replaces the data source's scrape interval, as Grafana's "Min interval" does. */
export function lowerIntervalSec(query: MetricsQuery, scrapeIntervalSec: number): number {
  return query.minStepSec ?? scrapeIntervalSec;
}

/**
 * $__rate_interval as Grafana's Prometheus data source defines it: max($__interval + scrape
 * interval, 4 × scrape interval), where the scrape interval is the query's minStep if set, else
 * the data source's. Grafana: RATE-INTERVAL (docs/grafana-behaviour.md)
 */
export function rateIntervalSec(stepSec: number, scrapeSec: number): number {
  return Math.max(stepSec + scrapeSec, 4 * scrapeSec);
}

/**
 * Grafana's interval macros, replaced server-side so that alert rules (which skip the browser)
 * and dashboards run the same PromQL: $__interval, $__interval_ms, $__rate_interval,
 * $__rate_interval_ms, $__range, $__range_s, $__range_ms.
 */
export function interpolateMacros(
  expr: string,
  window: RangeWindow,
  range: { from: number; to: number },
  scrapeSec: number
): string {
  const rangeSec = Math.max(1, Math.round((range.to - range.from) / 1000));
  const step = Math.max(1, Math.round(window.stepSec));
  const rateInterval = Math.round(rateIntervalSec(step, scrapeSec));
  return expr
    .replace(/\$__rate_interval_ms\b/g, String(rateInterval * 1000))
    .replace(/\$__rate_interval\b/g, `${rateInterval}s`)
    .replace(/\$__interval_ms\b/g, String(step * 1000))
    .replace(/\$__interval\b/g, `${step}s`)
    .replace(/\$__range_ms\b/g, String(rangeSec * 1000))
    .replace(/\$__range_s\b/g, String(rangeSec))
    .replace(/\$__range\b/g, `${rangeSec}s`);
}
