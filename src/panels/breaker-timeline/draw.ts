import { fillRects, type RectBuffer } from '../shared/rectBuffer';
import { rowTop, visibleRows, type Viewport } from './layout';
import type { Row } from './timeline';

export interface TimelineStyle {
  font: string;
  text: string;
  hoverRow: string;
  crosshair: string;
  selection: string;
}

/**
 * Draws the visible rows: names in the label column, runs in the plot (one fill per state),
 * the hovered row's highlight, the shared crosshair and a zoom selection. Gaps stay empty.
 */
export function drawTimeline(
  ctx: CanvasRenderingContext2D,
  rows: Row[],
  vp: Viewport,
  labelWidth: number,
  buffers: RectBuffer[],
  colors: string[],
  style: TimelineStyle,
  overlay: { hoverRow?: number; crosshairX?: number; selection?: { x0: number; x1: number } }
): void {
  const { first, last } = visibleRows(rows.length, vp);
  if (overlay.hoverRow !== undefined && overlay.hoverRow >= first && overlay.hoverRow < last) {
    ctx.fillStyle = style.hoverRow;
    ctx.fillRect(0, rowTop(overlay.hoverRow, vp), labelWidth + vp.width, vp.rowHeight);
  }
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
  if (overlay.crosshairX !== undefined) {
    ctx.fillStyle = style.crosshair;
    ctx.fillRect(Math.round(overlay.crosshairX), 0, 1, vp.height);
  }
  if (overlay.selection) {
    ctx.fillStyle = style.selection;
    ctx.fillRect(overlay.selection.x0, 0, overlay.selection.x1 - overlay.selection.x0, vp.height);
  }
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
