import { DataFrame, FieldType } from '@grafana/data';

/** Histogram buckets over time, de-cumulated: counts[column][row] is the count inside one bucket. */
export interface BucketGrid {
  times: number[];
  /** Upper bounds of the buckets, ascending; the last may be +Infinity. */
  bounds: number[];
  counts: number[][];
  max: number;
}

function parseLe(raw: string | undefined): number | undefined {
  if (raw === undefined) {
    return undefined;
  }
  if (raw === '+Inf' || raw === 'Inf') {
    return Number.POSITIVE_INFINITY;
  }
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Builds the grid from one series per `le` label (what `sum by (le) (increase(x_bucket[...]))`
 * returns). Prometheus buckets are cumulative, so each bucket's own count is its value minus the
 * next lower bucket's; negative differences (counter resets between scrapes) become 0.
 */
export function bucketGrid(frames: DataFrame[]): BucketGrid {
  const series: Array<{ le: number; byTime: Map<number, number> }> = [];
  const timeSet = new Set<number>();
  for (const frame of frames) {
    const time = frame.fields.find((f) => f.type === FieldType.time);
    const value = frame.fields.find((f) => f.type === FieldType.number);
    const le = parseLe(value?.labels?.le);
    if (!time || !value || le === undefined) {
      continue;
    }
    const byTime = new Map<number, number>();
    for (let i = 0; i < frame.length; i++) {
      const t = Number(time.values[i]);
      const v = Number(value.values[i]);
      if (Number.isFinite(v)) {
        byTime.set(t, (byTime.get(t) ?? 0) + v);
        timeSet.add(t);
      }
    }
    const existing = series.find((s) => s.le === le);
    if (existing) {
      byTime.forEach((v, t) => existing.byTime.set(t, (existing.byTime.get(t) ?? 0) + v));
    } else {
      series.push({ le, byTime });
    }
  }
  series.sort((a, b) => a.le - b.le);
  const times = [...timeSet].sort((a, b) => a - b);
  let max = 0;
  const counts = times.map((t) => {
    let below = 0;
    return series.map((s) => {
      const cumulative = s.byTime.get(t) ?? below;
      const own = Math.max(0, cumulative - below);
      below = Math.max(below, cumulative);
      max = Math.max(max, own);
      return own;
    });
  });
  return { times, bounds: series.map((s) => s.le), counts, max };
}

/** Colour level 0..levels-1 of a count; 0 counts get -1 (not drawn). */
export function levelOf(count: number, max: number, levels: number): number {
  if (count <= 0 || max <= 0) {
    return -1;
  }
  return Math.min(levels - 1, Math.floor((count / max) * levels));
}

export interface Cell {
  x: number;
  y: number;
  width: number;
  height: number;
  level: number;
}

/** Cell rectangles: one column per time, one row per bucket (lowest at the bottom), ≥1 px each. */
export function layoutCells(grid: BucketGrid, width: number, height: number, levels: number): Cell[] {
  const columns = grid.times.length;
  const rows = grid.bounds.length;
  if (columns === 0 || rows === 0 || width <= 0 || height <= 0) {
    return [];
  }
  const cellWidth = width / columns;
  const cellHeight = height / rows;
  const cells: Cell[] = [];
  for (let c = 0; c < columns; c++) {
    const x = Math.floor(c * cellWidth);
    const w = Math.max(1, Math.floor((c + 1) * cellWidth) - x);
    for (let r = 0; r < rows; r++) {
      const level = levelOf(grid.counts[c][r], grid.max, levels);
      if (level < 0) {
        continue;
      }
      const y = Math.floor(height - (r + 1) * cellHeight);
      cells.push({ x, y, width: w, height: Math.max(1, Math.floor(height - r * cellHeight) - y), level });
    }
  }
  return cells;
}
