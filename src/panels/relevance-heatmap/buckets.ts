import { FieldType, getFieldDisplayName, type DataFrame, type Field } from '@grafana/data';
import type { ValuesAre } from './options';

/**
 * Histogram data over time as a grid of columns (time) × buckets (value ranges), from Prometheus
 * `_bucket` series (cumulative by `le`) or from Grafana's `heatmap-rows` and `heatmap-cells`
 * frames. Pure and linear in the input; counts in one Float64Array, column-major.
 */
export interface BucketGrid {
  /** End time of each column (ms), ascending. */
  times: Float64Array;
  /** Start time of each column. */
  starts: Float64Array;
  /** Bucket ranges, ascending: lower[i] < value ≤ upper[i]; the last upper may be +Infinity. */
  lower: number[];
  upper: number[];
  /** counts[column * buckets + bucket]. */
  counts: Float64Array;
  columnTotals: Float64Array;
  bucketTotals: Float64Array;
  max: number;
}

/** Why data cannot be shown as a heatmap, in words a user can act on. */
export class UnsuitableData extends Error {}

function parseBound(raw: string | undefined): number | undefined {
  if (raw === undefined) {
    return undefined;
  }
  const text = raw.trim();
  if (text === '+Inf' || text === 'Inf' || text === '+inf') {
    return Number.POSITIVE_INFINITY;
  }
  const n = Number(text);
  return text !== '' && Number.isFinite(n) ? n : undefined;
}

/** The spacing of column times: the smallest positive difference. */
function stepOf(times: Float64Array): number {
  let step = Infinity;
  for (let i = 1; i < times.length; i++) {
    const d = times[i] - times[i - 1];
    if (d > 0 && d < step) {
      step = d;
    }
  }
  return Number.isFinite(step) ? step : 0;
}

/** Totals and maximum of a grid; each column covers the step (the smallest spacing) before its time. */
function finish(times: Float64Array, lower: number[], upper: number[], counts: Float64Array): BucketGrid {
  const step = stepOf(times);
  const starts = times.map((t) => t - step);
  const buckets = upper.length;
  const columnTotals = new Float64Array(times.length);
  const bucketTotals = new Float64Array(buckets);
  let max = 0;
  for (let c = 0; c < times.length; c++) {
    for (let b = 0; b < buckets; b++) {
      const v = counts[c * buckets + b];
      columnTotals[c] += v;
      bucketTotals[b] += v;
      if (v > max) {
        max = v;
      }
    }
  }
  return { times, starts, lower, upper, counts, columnTotals, bucketTotals, max };
}

/**
 * From one series per `le` (several series with the same `le`, e.g. per instance, are summed).
 * Buckets are cumulative, so a bucket's own count is its value minus the next lower bucket's;
 * a negative difference (a counter reset between the scrapes of two buckets) counts 0; a bucket
 * missing at a time counts 0 there and its observations fall into the next bucket up.
 * `counter` values are raw counters: each column is the increase since the previous sample,
 * and a drop is a counter reset (the new value is the increase).
 */
export function gridFromPrometheus(frames: DataFrame[], valuesAre: ValuesAre = 'increase'): BucketGrid {
  const inputs: Array<{ le: number; times: ArrayLike<number>; values: ArrayLike<number | null> }> = [];
  for (const frame of frames) {
    const time = frame.fields.find((f) => f.type === FieldType.time);
    if (!time) {
      continue;
    }
    for (const field of frame.fields) {
      const le = field.type === FieldType.number ? parseBound(field.labels?.le) : undefined;
      if (le !== undefined) {
        inputs.push({
          le,
          times: time.values as number[],
          values: valuesAre === 'counter' ? increases(field) : field.values,
        });
      }
    }
  }
  if (inputs.length === 0) {
    throw new UnsuitableData(
      'No histogram buckets: query a _bucket series summed by le, e.g. sum by (le) (increase(x_bucket[$__rate_interval])).'
    );
  }
  const times = columnTimes(inputs);
  if (times.length === 0) {
    throw new UnsuitableData('No data in the time range: every bucket value is empty.');
  }
  const upper = [...new Set(inputs.map((x) => x.le))].sort((a, b) => a - b);
  const lower = upper.map((_, i) => (i === 0 ? Math.min(0, upper[0]) : upper[i - 1]));
  const bucketOf = new Map(upper.map((le, i) => [le, i]));
  const columnOf = new Map<number, number>();
  times.forEach((t, i) => columnOf.set(t, i));
  const buckets = upper.length;
  // Cumulative values per column and bucket; NaN where a bucket has no sample at that time.
  const cumulative = new Float64Array(times.length * buckets).fill(Number.NaN);
  for (const input of inputs) {
    const b = bucketOf.get(input.le)!;
    for (let i = 0; i < input.times.length; i++) {
      const v = input.values[i];
      if (v === null || v === undefined || !Number.isFinite(v)) {
        continue;
      }
      const at = columnOf.get(input.times[i])! * buckets + b;
      cumulative[at] = Number.isNaN(cumulative[at]) ? v : cumulative[at] + v;
    }
  }
  const counts = new Float64Array(times.length * buckets);
  for (let c = 0; c < times.length; c++) {
    let below = 0;
    for (let b = 0; b < buckets; b++) {
      const value = cumulative[c * buckets + b];
      if (Number.isNaN(value)) {
        continue;
      }
      counts[c * buckets + b] = Math.max(0, value - below);
      below = Math.max(below, value);
    }
  }
  return finish(times, lower, upper, counts);
}

/** The sorted times at which any bucket has a value. */
function columnTimes(inputs: Array<{ times: ArrayLike<number>; values: ArrayLike<number | null> }>): Float64Array {
  const all = new Set<number>();
  for (const input of inputs) {
    for (let i = 0; i < input.times.length; i++) {
      const v = input.values[i];
      if (v !== null && v !== undefined && Number.isFinite(v)) {
        all.add(input.times[i]);
      }
    }
  }
  return Float64Array.from(all).sort();
}

/** A raw counter's increase per sample; a drop is a reset, after which the value is the increase. */
function increases(field: Field): Array<number | null> {
  const values = field.values as Array<number | null>;
  const out: Array<number | null> = new Array(values.length).fill(null);
  let previous: number | null = null;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || !Number.isFinite(v)) {
      continue;
    }
    out[i] = previous === null ? null : v >= previous ? v - previous : v;
    previous = v;
  }
  return out;
}

/**
 * Grafana's `heatmap-rows`: a time field and one number field per bucket, holding the count in
 * that bucket (not cumulative); the bucket's upper bound is its `le` label or its name.
 */
export function gridFromHeatmapRows(frame: DataFrame, allFrames: DataFrame[] = [frame]): BucketGrid {
  const time = frame.fields.find((f) => f.type === FieldType.time);
  const fields = frame.fields
    .filter((f) => f.type === FieldType.number)
    .map((f) => ({ f, bound: parseBound(f.labels?.le) ?? parseBound(getFieldDisplayName(f, frame, allFrames)) }));
  if (!time || fields.length === 0) {
    throw new UnsuitableData('A heatmap-rows frame needs a time field and one number field per bucket.');
  }
  const numbered = fields.every((x) => x.bound !== undefined);
  const ordered = numbered ? [...fields].sort((a, b) => a.bound! - b.bound!) : fields;
  // Without numeric names the buckets are ordinal: 1, 2, 3… in field order.
  const upper = ordered.map((x, i) => (numbered ? x.bound! : i + 1));
  const lower = upper.map((_, i) => (i === 0 ? (numbered ? Math.min(0, upper[0]) : 0) : upper[i - 1]));
  const times = Float64Array.from(time.values as number[]);
  const counts = new Float64Array(times.length * upper.length);
  ordered.forEach((x, b) => {
    for (let c = 0; c < times.length; c++) {
      const v = x.f.values[c];
      counts[c * upper.length + b] = typeof v === 'number' && v > 0 ? v : 0;
    }
  });
  return finish(times, lower, upper, counts);
}

/** Grafana's `heatmap-cells`: one row per cell with xMax (or x), yMin, yMax and count. */
export function gridFromHeatmapCells(frame: DataFrame): BucketGrid {
  const field = (...names: string[]) => frame.fields.find((f) => names.includes(f.name));
  const x = field('xMax', 'x', 'xMin');
  const yMin = field('yMin', 'y');
  const yMax = field('yMax');
  const count = field('count', 'Count', 'value');
  if (!x || !yMin || !count) {
    throw new UnsuitableData('A heatmap-cells frame needs xMax (or x), yMin, yMax and count fields.');
  }
  const times = Float64Array.from(new Set(x.values as number[])).sort();
  const lowers = [...new Set(yMin.values as number[])].sort((a, b) => a - b);
  const uppers = lowers.map((lo, i) => {
    const index = (yMin.values as number[]).indexOf(lo);
    return yMax ? Number(yMax.values[index]) : (lowers[i + 1] ?? lo + (lo - (lowers[i - 1] ?? lo - 1)));
  });
  const column = new Map(Array.from(times, (t, i) => [t, i]));
  const bucket = new Map(lowers.map((lo, i) => [lo, i]));
  const counts = new Float64Array(times.length * lowers.length);
  for (let i = 0; i < frame.length; i++) {
    const c = column.get(Number(x.values[i]))!;
    const b = bucket.get(Number(yMin.values[i]))!;
    const v = Number(count.values[i]);
    counts[c * lowers.length + b] += Number.isFinite(v) && v > 0 ? v : 0;
  }
  return finish(times, lowers, uppers, counts);
}

/** Reads whichever shape the data has: heatmap-cells, heatmap-rows, or Prometheus buckets. */
export function bucketGrid(frames: DataFrame[], valuesAre: ValuesAre = 'increase'): BucketGrid {
  const cells = frames.find((f) => f.meta?.type === 'heatmap-cells');
  if (cells) {
    return gridFromHeatmapCells(cells);
  }
  const rows = frames.find((f) => f.meta?.type === 'heatmap-rows');
  if (rows) {
    return gridFromHeatmapRows(rows, frames);
  }
  if (frames.length === 0 || frames.every((f) => f.length === 0)) {
    throw new UnsuitableData('No data in the time range.');
  }
  return gridFromPrometheus(frames, valuesAre);
}

/** Buckets to show: all, or those with at least one observation in the range. */
export function shownBuckets(grid: BucketGrid, hideEmpty: boolean): number[] {
  const all = grid.upper.map((_, i) => i);
  return hideEmpty ? all.filter((b) => grid.bucketTotals[b] > 0) : all;
}

/** The column holding a time (binary search over end times), or -1. */
export function columnAt(grid: BucketGrid, time: number): number {
  let lo = 0;
  let hi = grid.times.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (grid.times[mid] >= time) {
      found = mid;
      hi = mid - 1;
    } else {
      lo = mid + 1;
    }
  }
  return found >= 0 && time > grid.starts[found] - 1e-9 ? found : -1;
}

/** A bucket's range as text: "0.4 – 0.5", "≤ 0.1" for the first from zero, "> 1" for +Inf. */
export function bucketLabel(grid: BucketGrid, b: number, format: (v: number) => string = String): string {
  const lo = grid.lower[b];
  const hi = grid.upper[b];
  if (hi === Number.POSITIVE_INFINITY) {
    return `> ${format(lo)}`;
  }
  return b === 0 && lo === Math.min(0, hi) && lo === 0 ? `≤ ${format(hi)}` : `${format(lo)} – ${format(hi)}`;
}
