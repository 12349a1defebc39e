import { useState, type KeyboardEvent } from 'react';
import type { CrosshairPublish } from '../shared/useCrosshair';
import type { PlotPoint } from '../shared/usePlotPointer';
import { timeToX, type TimeScale } from '../shared/timeScale';
import { hitTest, visibleRows, type Viewport } from './layout';
import type { Row } from './timeline';
import { neighbourChange } from './tooltip';

export interface Cursor {
  row: number;
  time: number;
  /** Pointer position in the panel, for the tooltip. */
  x: number;
  y: number;
}

/**
 * The hovered row and time, from the pointer or the arrow keys (up/down between services,
 * left/right between state changes, Escape to leave); a key move scrolls its row into view.
 */
export function useTimelineCursor(opts: {
  rows: Row[];
  vp: Viewport;
  scale: TimeScale;
  labelWidth: number;
  totalHeight: number;
  /** Scrolls the rows so that this many pixels are above the view. */
  scrollTo: (top: number) => void;
  publish: CrosshairPublish;
}) {
  const { rows, vp, scale, labelWidth, totalHeight, scrollTo, publish } = opts;
  const [cursor, setCursor] = useState<Cursor | undefined>(undefined);

  const clear = () => {
    setCursor(undefined);
    publish.clear();
  };

  const onHover = (p: PlotPoint) => {
    const hit = hitTest(rows, vp, p.plotX, p.plotY);
    if (!hit) {
      clear();
      return;
    }
    setCursor({ row: hit.row, time: hit.time, x: p.x, y: p.y });
    publish.hover(hit.time);
  };

  const scrollIntoView = (row: number, y: number) => {
    if (y >= 0 && y <= vp.height) {
      return;
    }
    scrollTo(Math.max(0, Math.min(totalHeight - vp.height, row * vp.rowHeight - vp.height / 2)));
  };

  const onKey = (e: KeyboardEvent) => {
    if (!rows.length) {
      return;
    }
    if (e.key === 'Escape') {
      clear();
      return;
    }
    const current = cursor ?? { row: visibleRows(rows.length, vp).first, time: (vp.from + vp.to) / 2, x: 0, y: 0 };
    const next = { ...current };
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      next.row = Math.max(0, Math.min(rows.length - 1, current.row + (e.key === 'ArrowDown' ? 1 : -1)));
    } else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      next.time = neighbourChange(rows[current.row], current.time, e.key === 'ArrowRight' ? 1 : -1, vp.from, vp.to);
    } else {
      return;
    }
    e.preventDefault();
    const y = (next.row - vp.scrollRows) * vp.rowHeight + vp.rowHeight / 2;
    scrollIntoView(next.row, y);
    setCursor({ ...next, x: labelWidth + timeToX(scale, next.time), y: Math.max(0, Math.min(vp.height, y)) });
    publish.hover(next.time);
  };

  return { cursor, onHover, onKey, leave: () => setCursor(undefined) };
}
