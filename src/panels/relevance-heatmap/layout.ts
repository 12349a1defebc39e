import type { RectBuffer } from '../shared/rectBuffer';
import { columnAt, type BucketGrid } from './buckets';

export interface HeatmapViewport {
  from: number;
  to: number;
  width: number;
  height: number;
}

/** Bucket row geometry: shown buckets stacked from the bottom, equal heights. */
export function rowHeight(shown: number[], vp: HeatmapViewport): number {
  return shown.length ? vp.height / shown.length : 0;
}

/**
 * Cell rectangles, one buffer per palette level (`levels` holds each cell's level, -1 for none,
 * computed once per data and colour options rather than per draw). Columns are placed by their
 * time range on the dashboard's axis (a missing scrape leaves a hole, not a shift); columns
 * narrower than a pixel share it, showing the highest level of each bucket among them (the
 * largest count: the scale is monotonic). Linear in columns × buckets.
 */
export function layoutCells(
  grid: BucketGrid,
  shown: number[],
  vp: HeatmapViewport,
  levels: Int16Array,
  out: RectBuffer[]
): RectBuffer[] {
  out.forEach((b) => b.clear());
  const span = vp.to - vp.from;
  if (!(span > 0) || shown.length === 0 || vp.width <= 0) {
    return out;
  }
  const scale = vp.width / span;
  const h = rowHeight(shown, vp);
  const buckets = grid.upper.length;
  const pending = new Int16Array(shown.length).fill(-1);
  let pendingPx = -1;
  const flush = () => {
    if (pendingPx >= 0) {
      for (let r = 0; r < shown.length; r++) {
        if (pending[r] >= 0) {
          out[pending[r]].push(pendingPx, vp.height - (r + 1) * h, 1, h);
        }
      }
      pending.fill(-1);
    }
    pendingPx = -1;
  };
  for (let c = 0; c < grid.times.length; c++) {
    const x0 = Math.max(0, (grid.starts[c] - vp.from) * scale);
    const x1 = Math.min(vp.width, (grid.times[c] - vp.from) * scale);
    if (x1 <= 0 || x0 >= vp.width || x1 < x0) {
      continue;
    }
    const base = c * buckets;
    if (x1 - x0 >= 1) {
      flush();
      for (let r = 0; r < shown.length; r++) {
        const l = levels[base + shown[r]];
        if (l >= 0) {
          out[l].push(x0, vp.height - (r + 1) * h, x1 - x0, h);
        }
      }
      continue;
    }
    const px = Math.min(Math.floor(x0), Math.ceil(vp.width) - 1);
    if (px !== pendingPx) {
      flush();
      pendingPx = px;
    }
    for (let r = 0; r < shown.length; r++) {
      const l = levels[base + shown[r]];
      if (l > pending[r]) {
        pending[r] = l;
      }
    }
  }
  flush();
  return out;
}

/** The cell under a point: its column, bucket, count and share of the column; undefined off the data. */
export function hitCell(grid: BucketGrid, shown: number[], vp: HeatmapViewport, x: number, y: number) {
  if (x < 0 || x > vp.width || y < 0 || y > vp.height || shown.length === 0) {
    return undefined;
  }
  const time = vp.from + (x / vp.width) * (vp.to - vp.from);
  const column = columnAt(grid, time);
  if (column < 0) {
    return undefined;
  }
  const r = Math.min(shown.length - 1, Math.floor((vp.height - y) / rowHeight(shown, vp)));
  const bucket = shown[r];
  const count = grid.counts[column * grid.upper.length + bucket];
  const total = grid.columnTotals[column];
  return { column, bucket, count, share: total > 0 ? count / total : 0, time: grid.times[column] };
}

/**
 * Which bucket boundaries get a label on the y axis: each boundary between shown rows, skipping
 * any closer than `minGap` px to the last one labelled, so labels never overlap.
 */
export function yLabels(
  grid: BucketGrid,
  shown: number[],
  vp: HeatmapViewport,
  minGap: number
): Array<{ y: number; value: number }> {
  const h = rowHeight(shown, vp);
  const out: Array<{ y: number; value: number }> = [];
  let lastY = vp.height;
  if (shown.length) {
    out.push({ y: vp.height, value: grid.lower[shown[0]] });
  }
  shown.forEach((b, r) => {
    const y = vp.height - (r + 1) * h;
    const value = grid.upper[b];
    if (lastY - y >= minGap && y >= 0) {
      out.push({ y, value });
      lastY = y;
    }
  });
  return out;
}
