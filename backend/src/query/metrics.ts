import type { Field, Frame, Notice } from './frame';
import type { PromResult } from '../sources/prometheus';
import type { MetricsQuery } from './model';

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

/** Prometheus sample values are strings; it spells infinities its own way. */
export function parseSampleValue(raw: string): number {
  if (raw === '+Inf') {
    return Number.POSITIVE_INFINITY;
  }
  if (raw === '-Inf') {
    return Number.NEGATIVE_INFINITY;
  }
  return Number(raw);
}

/**
 * Renders a legend format such as "{{operation}} p99" from a series' labels: each "{{ name }}" is
 * replaced by the label's value, or by nothing when the series has no such label. One scan from
 * left to right (the format is user input: a regular expression with a lazy group took seconds on
 * "{{" and a run of spaces). Only the labels' own keys count: "{{constructor}}" is empty.
 */
export function renderLegend(format: string, labels: Record<string, string>): string {
  let rendered = '';
  let position = 0;
  while (position < format.length) {
    const open = format.indexOf('{{', position);
    const close = open < 0 ? -1 : format.indexOf('}}', open + 2);
    if (close < 0) {
      break;
    }
    const name = format.slice(open + 2, close).trim();
    // "{{}}" names nothing and stays as written, as with Grafana's own pattern.
    rendered += format.slice(position, open) + (close === open + 2 ? '{{}}' : labelValue(labels, name));
    position = close + 2;
  }
  return rendered + format.slice(position);
}

function labelValue(labels: Record<string, string>, name: string): string {
  return Object.prototype.hasOwnProperty.call(labels, name) ? labels[name] : '';
}

function displayName(query: MetricsQuery, labels: Record<string, string>): string | undefined {
  if (!query.legendFormat || query.legendFormat === '__auto') {
    return undefined;
  }
  return renderLegend(query.legendFormat, labels);
}

/**
 * One frame per series, shaped like Grafana's own Prometheus data source returns them
 * (dataplane `timeseries-multi` for ranges, `numeric-multi` for instant queries): a `Time` field
 * and a `Value` field that carries the series labels, so panels and alert expressions treat both
 * data sources alike.
 */
export function promResultToFrames(
  query: MetricsQuery,
  result: PromResult,
  executed: string,
  stepSec?: number
): Frame[] {
  const type = query.instant ? 'numeric-multi' : 'timeseries-multi';
  // The step on the time field is what makes time series and state timeline panels draw a gap
  // where samples are missing. Grafana: FRAME-INTERVAL-GAPS (docs/grafana-behaviour.md)
  const timeConfig = !query.instant && stepSec !== undefined ? { config: { interval: stepSec * 1000 } } : {};
  const notices: Notice[] = [
    ...query.notices.map((text) => ({ severity: 'info' as const, text })),
    ...result.warnings.map((text) => ({ severity: 'warning' as const, text: `Prometheus: ${text}` })),
  ];
  const meta = {
    type,
    typeVersion: [0, 1] as [number, number],
    executedQueryString: executed,
    ...(notices.length ? { notices } : {}),
  };
  if (result.series.length === 0) {
    return [{ refId: query.refId, meta, fields: [] }];
  }
  return result.series.map((series) => {
    const times: number[] = [];
    const values: number[] = [];
    for (const [t, v] of series.values) {
      times.push(Math.round(t * 1000));
      values.push(parseSampleValue(v));
    }
    const name = displayName(query, series.metric);
    const valueField: Field = {
      name: 'Value',
      type: 'number',
      values,
      labels: series.metric,
      ...(name !== undefined ? { config: { displayNameFromDS: name } } : {}),
    };
    return {
      name: name ?? '',
      refId: query.refId,
      meta,
      fields: [{ name: 'Time', type: 'time', values: times, ...timeConfig }, valueField],
    };
  });
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
