/**
 * Breaker state series turned into rows of runs: one row per series (kept apart by display name),
 * consecutive equal samples merged, nulls and missing samples left as gaps. Pure and linear in
 * the number of samples; runs are kept in typed arrays so that 1,000 services × 1,000 changes
 * stay cheap to lay out and to search.
 */

/** A state as the field's value mappings show it. */
export interface StateStyle {
  text: string;
  color: string;
}

/** Maps a raw value to the index of its state, building the state list as values appear. */
export interface Classifier {
  (value: number): number;
  readonly states: StateStyle[];
}

/** The states seen so far, shared by the rows of one panel; states with the same text are one. */
export class StateRegistry {
  readonly states: StateStyle[] = [];
  private readonly byText = new Map<string, number>();

  indexOf(style: StateStyle): number {
    let index = this.byText.get(style.text);
    if (index === undefined) {
      index = this.states.length;
      this.states.push(style);
      this.byText.set(style.text, index);
    }
    return index;
  }
}

/**
 * Wraps a display function (Grafana's display processor with the field's mappings) so that each
 * distinct raw value is displayed once: a breaker has a handful of values over a million samples.
 * One classifier per field (overrides may give fields different mappings), one registry per panel.
 */
export function makeClassifier(display: (value: number) => StateStyle, registry = new StateRegistry()): Classifier {
  const byValue = new Map<number, number>();
  const classify = ((value: number) => {
    let index = byValue.get(value);
    if (index === undefined) {
      index = registry.indexOf(display(value));
      byValue.set(value, index);
    }
    return index;
  }) as Classifier;
  Object.defineProperty(classify, 'states', { value: registry.states });
  return classify;
}

export interface Row {
  name: string;
  /** Runs: start and end times (ms) and state index; sorted, not overlapping, gaps between them. */
  starts: Float64Array;
  ends: Float64Array;
  states: Int32Array;
  length: number;
  /** State changes between consecutive runs inside the range. */
  transitions: number;
  /** Milliseconds in each state inside the range, by state index (filled by rowStats). */
  stateMs: number[];
}

export interface SeriesInput {
  name: string;
  times: ArrayLike<number>;
  values: ArrayLike<number | null | undefined>;
  /** Expected spacing of samples (ms); missing samples longer than 2 steps are a gap. */
  step?: number;
}

/** The spacing of samples: the smallest positive difference among the first ones. */
export function inferStep(times: ArrayLike<number>): number {
  let step = Infinity;
  const n = Math.min(times.length, 200);
  for (let i = 1; i < n; i++) {
    const d = times[i] - times[i - 1];
    if (d > 0 && d < step) {
      step = d;
    }
  }
  return Number.isFinite(step) ? step : 0;
}

/**
 * One row of runs from one series. A sample holds its state until the next sample, or for one
 * step when the next is more than two steps away (then a gap follows); the last holds for one
 * step, and never past `to`. A null sample is a gap. A single sample with no step (an instant
 * query) is the current state and fills the range.
 */
export function seriesRow(series: SeriesInput, classify: Classifier, from: number, to: number): Row {
  const { times, values } = series;
  const n = times.length;
  const step = series.step && series.step > 0 ? series.step : inferStep(times);
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  const states = new Int32Array(n);
  let length = 0;
  for (let i = 0; i < n; i++) {
    const value = values[i];
    if (value === null || value === undefined || Number.isNaN(value)) {
      continue;
    }
    let t = times[i];
    const next = i + 1 < n ? times[i + 1] : Infinity;
    let end = Math.max(t, Math.min(next - t > 2 * step ? t + step : next, to));
    if (n === 1 && step === 0) {
      // An instant query: the current state, shown across the range.
      t = Math.min(t, from);
      end = Math.max(end, to);
    }
    const state = classify(value);
    const last = length - 1;
    if (last >= 0 && states[last] === state && ends[last] >= t) {
      ends[last] = Math.max(ends[last], end);
    } else {
      starts[length] = t;
      ends[length] = Math.max(end, t);
      states[length] = state;
      length++;
    }
  }
  return {
    name: series.name,
    starts: starts.subarray(0, length),
    ends: ends.subarray(0, length),
    states: states.subarray(0, length),
    length,
    transitions: 0,
    stateMs: [],
  };
}

/** Time in each state and transitions, counted inside [from, to]. */
export function rowStats(row: Row, from: number, to: number, stateCount: number): Row {
  const stateMs = new Array<number>(stateCount).fill(0);
  let transitions = 0;
  let previous = -1;
  for (let i = 0; i < row.length; i++) {
    const start = Math.max(row.starts[i], from);
    const end = Math.min(row.ends[i], to);
    if (end <= start && !(row.starts[i] >= from && row.starts[i] <= to)) {
      continue;
    }
    stateMs[row.states[i]] += Math.max(0, end - start);
    if (previous >= 0 && previous !== row.states[i]) {
      transitions++;
    }
    previous = row.states[i];
  }
  row.stateMs = stateMs;
  row.transitions = transitions;
  return row;
}

export type RowSort = 'name' | 'openTime' | 'transitions';

const byName = (a: Row, b: Row) => a.name.localeCompare(b.name, undefined, { numeric: true });

/** Rows in the order the user chose: by name, by time open (most first) or by transitions (most first). */
export function sortRows(rows: Row[], sort: RowSort, openState: number): Row[] {
  const open = (r: Row) => (openState >= 0 ? (r.stateMs[openState] ?? 0) : 0);
  const compare =
    sort === 'openTime'
      ? (a: Row, b: Row) => open(b) - open(a) || byName(a, b)
      : sort === 'transitions'
        ? (a: Row, b: Row) => b.transitions - a.transitions || byName(a, b)
        : byName;
  return [...rows].sort(compare);
}

/** Each state's share of the known time across all rows (gaps excluded), by state index. */
export function stateShares(rows: Row[], stateCount: number): number[] {
  const totals = new Array<number>(stateCount).fill(0);
  for (const row of rows) {
    row.stateMs.forEach((ms, i) => (totals[i] += ms));
  }
  const all = totals.reduce((a, b) => a + b, 0);
  return totals.map((ms) => (all > 0 ? ms / all : 0));
}

/** The run of a row at a time (binary search), or -1 in a gap. */
export function runAt(row: Row, time: number): number {
  let lo = 0;
  let hi = row.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (row.starts[mid] <= time) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found >= 0 && time < row.ends[found] ? found : -1;
}

/** The first run that ends after `time` (binary search): where drawing a range starts. */
export function firstRunEndingAfter(row: Row, time: number): number {
  let lo = 0;
  let hi = row.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (row.ends[mid] <= time) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}
