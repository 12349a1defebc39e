import { useState, type KeyboardEvent } from 'react';
import type { CrosshairPublish } from '../shared/useCrosshair';
import type { PlotPoint } from '../shared/usePlotPointer';
import { xToTime, type TimeScale } from '../shared/timeScale';

const KEY_MOVES: Record<string, [number, number]> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

/** The hovered point, from the pointer or the arrow keys (one column or bucket per key). */
export function useCellCursor(opts: {
  scale: TimeScale;
  left: number;
  plotHeight: number;
  columns: number;
  buckets: number;
  publish: CrosshairPublish;
}) {
  const { scale, left, plotHeight, columns, buckets, publish } = opts;
  const plotWidth = scale.width;
  const [hover, setHover] = useState<PlotPoint | undefined>(undefined);

  const onHover = (p: PlotPoint) => {
    if (p.plotX < 0) {
      setHover(undefined);
      return;
    }
    setHover(p);
    publish.hover(xToTime(scale, p.plotX));
  };

  const moveBy = (dx: number, dy: number) => {
    const start = hover ?? { x: 0, y: 0, plotX: plotWidth - 1, plotY: plotHeight / 2 };
    const columnWidth = Math.max(1, plotWidth / Math.max(1, columns));
    const rowHeight = plotHeight / buckets;
    const plotX = Math.max(0, Math.min(plotWidth - 1, start.plotX + dx * columnWidth));
    const plotY = Math.max(1, Math.min(plotHeight - 1, start.plotY + dy * rowHeight));
    setHover({ plotX, plotY, x: plotX + left, y: plotY });
    publish.hover(xToTime(scale, plotX));
  };

  const onKey = (e: KeyboardEvent) => {
    const move = KEY_MOVES[e.key];
    if (move) {
      e.preventDefault();
      moveBy(...move);
    } else if (e.key === 'Escape') {
      setHover(undefined);
      publish.clear();
    }
  };

  return { hover, onHover, onKey, leave: () => setHover(undefined) };
}
