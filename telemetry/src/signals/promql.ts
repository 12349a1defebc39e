import { METRICS, type LabelOf, type MetricKey } from './readable.js';

/**
 * PromQL built from the metric catalog, one helper per kind of metric, so that an expression is
 * right for the type of what it reads by construction: rates of counters, quantiles from bucket
 * rates by `le`, means of summaries from `_sum`/`_count`, aggregations of gauges. The types let a
 * counter helper take only counters and a `by` clause take only the metric's labels.
 */

type KeysOfType<T extends string> = {
  [K in MetricKey]: (typeof METRICS)[K]['type'] extends T ? K : never;
}[MetricKey];
export type CounterKey = KeysOfType<'counter'>;
export type GaugeKey = KeysOfType<'gauge'>;
export type HistogramKey = KeysOfType<'histogram'>;
export type SummaryKey = KeysOfType<'summary'>;

/** Label matchers: label → `="v"`, `=~"v"`, `!="v"`…, built with eq/re/ne. */
export type Matchers<K extends MetricKey> = Partial<Record<LabelOf<K>, string>>;

const quote = (value: string) => JSON.stringify(value);
export const eq = (value: string) => `=${quote(value)}`;
export const ne = (value: string) => `!=${quote(value)}`;
export const re = (value: string) => `=~${quote(value)}`;

/** Grafana's rate window: at least four scrape intervals, whatever the step. Grafana: RATE-INTERVAL */
export const RATE_INTERVAL = '$__rate_interval';
/** Grafana's step, which the data source's backend also substitutes for `$__interval`. */
export const STEP_INTERVAL = '$__interval';

/**
 * The scrape interval a dashboard assumes: Grafana's default "Scrape interval" of a Prometheus
 * data source (jsonData.timeInterval, 15 s), which the backend's query/metrics/window.ts also uses for
 * `$__rate_interval`. Prometheus scraping more often (the demo scrapes every 5 s) only adds samples.
 */
export const SCRAPE_INTERVAL_SECONDS = 15;

/**
 * The smallest step at which `increase(…[$__interval])` counts every observation once: windows
 * one step long tile the time axis without overlap, and each must hold two samples, since
 * increase() of a window with one sample is nothing (a window of one scrape interval holds one).
 */
export const MIN_COUNTING_STEP = `${2 * SCRAPE_INTERVAL_SECONDS}s`;

function selector<K extends MetricKey>(key: K, suffix: string, matchers: Matchers<K>, bucket?: { le: string }): string {
  const all: Record<string, string> = { ...(matchers as Record<string, string>), ...bucket };
  const parts = Object.entries(all).map(([label, op]) => `${label}${op}`);
  return `${METRICS[key].name}${suffix}${parts.length ? `{${parts.join(', ')}}` : ''}`;
}

function by(labels: readonly string[]): string {
  return labels.length ? ` by (${labels.join(', ')})` : '';
}

/** The per-second rate of one series family of a metric (its value, `_bucket`, `_sum` or `_count`), summed by labels. */
function summedRate<K extends MetricKey>(
  key: K,
  suffix: string,
  matchers: Matchers<K>,
  labels: readonly string[],
  window: string,
  bucket?: { le: string }
): string {
  return `sum${by(labels)} (rate(${selector(key, suffix, matchers, bucket)}[${window}]))`;
}

/** Per-second rate of a counter, summed by the given labels. */
export function counterRate<K extends CounterKey>(
  key: K,
  matchers: Matchers<K> = {},
  labels: Array<LabelOf<K>> = [],
  window = RATE_INTERVAL
) {
  return summedRate(key, '', matchers, labels, window);
}

/** Increase of a counter over a window (the dashboard's range by default), summed by labels. */
export function counterIncrease<K extends CounterKey>(
  key: K,
  matchers: Matchers<K> = {},
  labels: Array<LabelOf<K>> = [],
  window = '$__range'
) {
  return `sum${by(labels)} (increase(${selector(key, '', matchers)}[${window}]))`;
}

/**
 * Share of a counter's rate that matches `part` (e.g. errors of all operations), per label set.
 * Series with no matching part count as 0 rather than vanishing: `or … * 0` fills them in.
 */
export function counterShare<K extends CounterKey>(
  key: K,
  part: Matchers<K>,
  matchers: Matchers<K> = {},
  labels: Array<LabelOf<K>> = [],
  window = RATE_INTERVAL
) {
  const whole = counterRate(key, matchers, labels, window);
  const numerator = counterRate(key, { ...matchers, ...part }, labels, window);
  return `(${numerator} or ${whole} * 0) / ${whole}`;
}

/**
 * A counter's rate by labels it shares with a gauge that every instance reports from the start,
 * with 0 for label sets the counter has not seen yet (a breaker that never failed has no
 * failure series until its first failure).
 */
export function counterRateOrZero<K extends CounterKey, G extends GaugeKey>(
  key: K,
  zeroFrom: G,
  labels: Array<LabelOf<K> & LabelOf<G>>
) {
  return `${counterRate(key, {}, labels)} or ${gauge('sum', zeroFrom, {}, labels)} * 0`;
}

/** The q-quantile of a histogram from the rates of its buckets, by `le` and the given labels. */
export function histogramQuantile<K extends HistogramKey>(
  q: number,
  key: K,
  matchers: Matchers<K> = {},
  labels: Array<LabelOf<K>> = [],
  window = RATE_INTERVAL
) {
  return `histogram_quantile(${q}, sum by (${['le', ...labels].join(', ')}) (rate(${selector(key, '_bucket', matchers)}[${window}])))`;
}

/**
 * Observations per bucket and step (cumulative by `le`, as a heatmap reads them). The window is
 * the step itself, not `$__rate_interval`: windows longer than the step overlap, and an
 * observation would be counted in every cell whose window holds it. The target must set
 * `minStep: MIN_COUNTING_STEP` so that each window holds two samples.
 */
export function histogramBuckets<K extends HistogramKey>(key: K, matchers: Matchers<K> = {}) {
  return `sum by (le) (increase(${selector(key, '_bucket', matchers)}[${STEP_INTERVAL}]))`;
}

/** Mean observed value of a summary or histogram over the rate window: rate of _sum over rate of _count. */
export function observedMean<K extends SummaryKey | HistogramKey>(
  key: K,
  matchers: Matchers<K> = {},
  labels: Array<LabelOf<K>> = [],
  window = RATE_INTERVAL
) {
  return `${summedRate(key, '_sum', matchers, labels, window)} / ${summedRate(key, '_count', matchers, labels, window)}`;
}

/**
 * Share of a histogram's observations at or under one bucket bound, per label set: the rate of
 * that `le` bucket over the rate of `_count` (e.g. the share of adds that stored nothing is the
 * `le="0"` bucket of memories per add). The bound must be one of the histogram's buckets.
 */
export function histogramShareAtMost<K extends HistogramKey>(
  key: K,
  bound: number,
  matchers: Matchers<K> = {},
  labels: Array<LabelOf<K>> = [],
  window = RATE_INTERVAL
) {
  const buckets: readonly number[] = (METRICS[key] as { buckets?: readonly number[] }).buckets ?? [];
  if (!buckets.includes(bound)) {
    throw new Error(`${METRICS[key].name} has no bucket le="${bound}" (its buckets: ${buckets.join(', ')})`);
  }
  const part = summedRate(key, '_bucket', matchers, labels, window, { le: bucketBound(bound) });
  return `${part} / ${summedRate(key, '_count', matchers, labels, window)}`;
}

/**
 * The `le` matcher of one bucket bound. Prometheus 3 stores a classic histogram's integer bound
 * as a float (`le="1"` is ingested as `le="1.0"`, its 3.0 migration guide), Prometheus 2 as
 * exposed: an integer bound matches both.
 */
export function bucketBound(bound: number): string {
  return Number.isInteger(bound) ? re(`${bound}(\\.0)?`) : eq(String(bound));
}

/** A gauge aggregated by the given labels (max for states, sum for counts, avg for ratios). */
export function gauge<K extends GaugeKey>(
  aggregation: 'sum' | 'max' | 'min' | 'avg',
  key: K,
  matchers: Matchers<K> = {},
  labels: Array<LabelOf<K>> = []
) {
  return `${aggregation}${by(labels)} (${selector(key, '', matchers)})`;
}

/**
 * How much a gauge changed over the trailing `window` at each step (delta(), for gauges only),
 * aggregated by the given labels as the gauge itself is (sum for per-process counts, max for a
 * count every process takes of the same thing): over `1h`, a count's growth per hour (negative
 * when it shrank).
 */
export function gaugeChange<K extends GaugeKey>(
  aggregation: 'sum' | 'max' | 'min' | 'avg',
  key: K,
  window: string,
  matchers: Matchers<K> = {},
  labels: Array<LabelOf<K>> = []
) {
  return `${aggregation}${by(labels)} (delta(${selector(key, '', matchers)}[${window}]))`;
}

/**
 * A gauge by one label, limited to the k label values whose maximum over the whole time range is
 * largest. They are ranked once, at the range's end (`@ end()` over `$__range`): `topk` alone in a
 * range query ranks again at every step, so a graph shows every series that was ever in the top k.
 */
export function topOverRange<K extends GaugeKey>(k: number, key: K, label: LabelOf<K>, matchers: Matchers<K> = {}) {
  const ranked = `topk(${k}, max by (${label}) (max_over_time(${selector(key, '', matchers)}[$__range] @ end())))`;
  return `${gauge('max', key, matchers, [label])} and on (${label}) ${ranked}`;
}

/**
 * The steps at which a state gauge, by one label, turned to `value`: it has the value now and did
 * not one step before (`offset $__interval`), so a state that holds yields one point, where it began.
 */
export function gaugeEnters<K extends GaugeKey>(key: K, value: number, label: LabelOf<K>, matchers: Matchers<K> = {}) {
  const now = gauge('max', key, matchers, [label]);
  const before = `max by (${label}) (${selector(key, '', matchers)} offset ${STEP_INTERVAL})`;
  return `(${now} == ${value}) unless (${before} == ${value})`;
}

/** Fraction of CPU time not idle, averaged over each host's CPUs. */
export function cpuBusy(matchers: Matchers<'nodeCpuSeconds'> = {}, labels: Array<LabelOf<'nodeCpuSeconds'>> = []) {
  const idle = selector('nodeCpuSeconds', '', { ...matchers, mode: eq('idle') });
  return `1 - avg${by(labels)} (rate(${idle}[${RATE_INTERVAL}]))`;
}
