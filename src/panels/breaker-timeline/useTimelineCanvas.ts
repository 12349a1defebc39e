import { useEffect, useRef, type RefObject } from 'react';
import type { GrafanaTheme2 } from '@grafana/data';
import { prepareCanvas } from '../shared/canvas';
import { RectBuffer } from '../shared/rectBuffer';
import { drawTimeline } from './draw';
import { layoutRuns, type Viewport } from './layout';
import type { Row } from './timeline';

/**
 * Draws the rows on the data canvas when the data, the size, the scroll or the hidden states
 * change; never on hover (the overlay draws that). The rectangle buffers are kept between draws.
 */
export function useTimelineCanvas(
  canvas: RefObject<HTMLCanvasElement>,
  draw: {
    rows: Row[];
    vp: Viewport;
    width: number;
    labelWidth: number;
    colors: string[];
    /** Per state: which wins a pixel shared by several. */
    priority: number[];
    hiddenByIndex: boolean[];
    font: string;
    theme: GrafanaTheme2;
  }
) {
  const buffers = useRef<RectBuffer[]>([]);
  const { rows, vp, width, labelWidth, colors, priority, hiddenByIndex, font, theme } = draw;
  const colorKey = colors.join();
  const hiddenKey = hiddenByIndex.join();
  useEffect(() => {
    const ctx = prepareCanvas(canvas.current, width, vp.height);
    if (!ctx) {
      return;
    }
    while (buffers.current.length < colors.length) {
      buffers.current.push(new RectBuffer());
    }
    layoutRuns(rows, vp, priority, hiddenByIndex, buffers.current);
    drawTimeline(ctx, rows, vp, labelWidth, buffers.current, colors, { font, text: theme.colors.text.primary });
    // The draw depends on these values, not on the identity of the objects built each render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [
    rows,
    width,
    vp.height,
    vp.rowHeight,
    vp.scrollRows,
    vp.width,
    labelWidth,
    vp.from,
    vp.to,
    colorKey,
    hiddenKey,
    theme,
  ]);
}
