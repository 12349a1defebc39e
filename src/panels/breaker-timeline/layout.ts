import { RectBuffer } from '../shared/rectBuffer';
import { firstRunEndingAfter, runAt, type Row } from './timeline';

/** What part of the timeline is on screen: the time range across the plot and the visible rows. */
export interface Viewport {
  from: number;
  to: number;
  /** Plot width in CSS px. */
  width: number;
  rowHeight: number;
  /** Rows scrolled past (fractional), from the scroll position. */
  scrollRows: number;
  /** Plot height in CSS px. */
  height: number;
  /** Space between rows, px. */
  gap: number;
}

const ROW_GAP = 2;

/**
 * The viewport of a panel's rows: each row at least `minRowHeight` tall (the rows scroll past
 * that), sharing the height left under the axis and legend otherwise. `totalHeight` is that of
 * all rows, scrolled or not.
 */
export function timelineViewport(p: {
  rowCount: number;
  from: number;
  to: number;
  plotWidth: number;
  rowsHeight: number;
  minRowHeight: number;
  scrollTop: number;
}): { vp: Viewport; totalHeight: number } {
  const rowHeight = p.rowCount ? Math.max(p.minRowHeight, p.rowsHeight / p.rowCount) : p.rowsHeight;
  const totalHeight = rowHeight * p.rowCount;
  const vp: Viewport = {
    from: p.from,
    to: p.to,
    width: p.plotWidth,
    height: Math.min(p.rowsHeight, totalHeight),
    rowHeight,
    scrollRows: p.scrollTop / rowHeight,
    gap: rowHeight > 6 ? ROW_GAP : 0,
  };
  return { vp, totalHeight };
}

/** Indices of the rows at least partly visible. */
export function visibleRows(rowCount: number, vp: Viewport): { first: number; last: number } {
  const first = Math.max(0, Math.floor(vp.scrollRows));
  const last = Math.min(rowCount, Math.ceil(vp.scrollRows + vp.height / vp.rowHeight));
  return { first, last };
}

export const rowTop = (index: number, vp: Viewport) => (index - vp.scrollRows) * vp.rowHeight;

/**
 * Rectangles of the visible runs, one buffer per state. Runs wider than a pixel are drawn as they
 * are; runs that share a pixel collapse into one 1 px rectangle in the state with the highest
 * `priority` (the rarest, so that a short opening among hours closed stays visible). Hidden
 * states are not drawn. Linear in the visible runs; at most a few rectangles per pixel and row.
 */
export function layoutRuns(
  rows: Row[],
  vp: Viewport,
  priority: number[],
  hidden: boolean[],
  out: RectBuffer[]
): RectBuffer[] {
  out.forEach((b) => b.clear());
  const { first, last } = visibleRows(rows.length, vp);
  const scale = vp.width / (vp.to - vp.from);
  if (!(scale > 0)) {
    return out;
  }
  const barHeight = Math.max(1, vp.rowHeight - vp.gap);
  for (let r = first; r < last; r++) {
    const row = rows[r];
    const y = rowTop(r, vp) + vp.gap / 2;
    let pendingPx = -1;
    let pendingState = -1;
    const flush = () => {
      if (pendingState >= 0 && !hidden[pendingState]) {
        out[pendingState].push(pendingPx, y, 1, barHeight);
      }
      pendingState = -1;
    };
    for (let i = firstRunEndingAfter(row, vp.from); i < row.length; i++) {
      const start = row.starts[i];
      if (start >= vp.to) {
        break;
      }
      const state = row.states[i];
      const x0 = Math.max(0, (start - vp.from) * scale);
      const x1 = Math.min(vp.width, (row.ends[i] - vp.from) * scale);
      if (x1 - x0 >= 1) {
        flush();
        if (!hidden[state]) {
          out[state].push(x0, y, x1 - x0, barHeight);
        }
        continue;
      }
      const px = Math.min(Math.floor(x0), Math.ceil(vp.width) - 1);
      if (px !== pendingPx) {
        flush();
        pendingPx = px;
        pendingState = state;
      } else if (pendingState < 0 || priority[state] > priority[pendingState]) {
        pendingState = state;
      }
    }
    flush();
  }
  return out;
}

/** The row and run under a point of the plot, or undefined; the run is -1 in a gap. */
export function hitTest(
  rows: Row[],
  vp: Viewport,
  x: number,
  y: number
): { row: number; run: number; time: number } | undefined {
  if (x < 0 || x > vp.width || y < 0 || y > vp.height) {
    return undefined;
  }
  const row = Math.floor(y / vp.rowHeight + vp.scrollRows);
  if (row < 0 || row >= rows.length) {
    return undefined;
  }
  const time = vp.from + (x / vp.width) * (vp.to - vp.from);
  return { row, run: runAt(rows[row], time), time };
}
