import { useEffect, useRef, type RefObject } from 'react';
import type { GrafanaTheme2 } from '@grafana/data';
import { prepareCanvas } from '../shared/canvas';
import { fillRects, RectBuffer } from '../shared/rectBuffer';
import type { BucketGrid } from './buckets';
import { layoutCells, type HeatmapViewport } from './layout';

/**
 * Draws the cells and the y axis labels on the data canvas when the data, the size or the
 * colours change; never on hover (the overlay draws that).
 */
export function useHeatmapCanvas(
  canvas: RefObject<HTMLCanvasElement>,
  draw: {
    grid: BucketGrid | undefined;
    shown: number[];
    levels: Int16Array;
    vp: HeatmapViewport;
    width: number;
    colors: string[];
    yAxis: Array<{ y: number; text: string }>;
    font: string;
    theme: GrafanaTheme2;
    /** The y axis's width, where the plot starts. */
    left: number;
  }
) {
  const buffers = useRef<RectBuffer[]>([]);
  const { grid, shown, levels, vp, width, colors, yAxis, font, theme, left } = draw;
  useEffect(() => {
    const ctx = prepareCanvas(canvas.current, width, vp.height);
    if (!ctx || !grid) {
      return;
    }
    while (buffers.current.length < colors.length) {
      buffers.current.push(new RectBuffer());
    }
    buffers.current.length = colors.length;
    layoutCells(grid, shown, vp, levels, buffers.current);
    ctx.save();
    ctx.translate(left, 0);
    fillRects(ctx, buffers.current, colors);
    ctx.restore();
    ctx.font = font;
    ctx.fillStyle = theme.colors.text.secondary;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    yAxis.forEach((label) => ctx.fillText(label.text, left - 6, label.y));
    // The draw depends on these values, not on the identity of the viewport built each render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [grid, shown, levels, width, vp.width, vp.height, vp.from, vp.to, colors, theme, font, yAxis, left]);
}
