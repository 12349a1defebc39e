import { fillRects, type RectBuffer } from '../shared/rectBuffer';
import { rowTop, visibleRows, type Viewport } from './layout';
import type { Row } from './timeline';

export interface TimelineStyle {
  font: string;
  text: string;
}

/**
 * Draws the visible rows: names in the label column, runs in the plot (one fill per state).
 * Gaps stay empty. What follows the pointer is drawn on the overlay (shared/overlay.ts).
 */
export function drawTimeline(
  ctx: CanvasRenderingContext2D,
  rows: Row[],
  vp: Viewport,
  labelWidth: number,
  buffers: RectBuffer[],
  colors: string[],
  style: TimelineStyle
): void {
  const { first, last } = visibleRows(rows.length, vp);
  ctx.font = style.font;
  ctx.fillStyle = style.text;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let r = first; r < last; r++) {
    ctx.fillText(ellipsis(ctx, rows[r].name, labelWidth - 8), labelWidth - 6, rowTop(r, vp) + vp.rowHeight / 2);
  }
  ctx.save();
  ctx.translate(labelWidth, 0);
  fillRects(ctx, buffers, colors);
  ctx.restore();
}

/** Cuts a label to fit, ending in … (binary search on the length). */
export function ellipsis(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) {
    return text;
  }
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(text.slice(0, mid) + '…').width <= width) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return text.slice(0, lo) + '…';
}
