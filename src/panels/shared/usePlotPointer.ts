import { useCallback, useRef, type MouseEvent } from 'react';
import type { GrafanaTheme2 } from '@grafana/data';
import { useOverlay, type OverlayMarks } from './overlay';
import { timeToX, xToTime, type TimeScale } from './timeScale';
import type { CrosshairPublish } from './useCrosshair';
import { useDragZoom } from './useDragZoom';

/** Where the pointer is: in the panel (for the tooltip) and in the plot (for hit tests). */
export interface PlotPoint {
  x: number;
  y: number;
  plotX: number;
  plotY: number;
}

export interface PlotPointerOptions {
  /** Where the plot starts, px from the panel's left (the label column or y axis). */
  left: number;
  scale: TimeScale;
  width: number;
  height: number;
  theme: GrafanaTheme2;
  onChangeTimeRange: (range: { from: number; to: number }) => void;
  /** Where the crosshair is drawn: this panel's hovered time, else another panel's (useCrosshair). */
  crosshairTime: number | undefined;
  publish: CrosshairPublish;
  /** The hovered row, highlighted across the overlay. */
  band?: OverlayMarks['band'];
}

/**
 * What the two panels share over their plot: drag to zoom the dashboard, the crosshair, and the
 * overlay canvas that draws both without redrawing the data. `handlers` wires a panel's own
 * hover to the overlay canvas's mouse events.
 */
export function usePlotPointer(opts: PlotPointerOptions) {
  const { left, scale, width, height, theme, onChangeTimeRange, crosshairTime, publish, band } = opts;
  const overlay = useRef<HTMLCanvasElement>(null);
  const { from, to, width: plotWidth } = scale;
  const zoom = useDragZoom(
    useCallback(
      (x0: number, x1: number) =>
        onChangeTimeRange({
          from: xToTime({ from, to, width: plotWidth }, x0),
          to: xToTime({ from, to, width: plotWidth }, x1),
        }),
      [from, to, plotWidth, onChangeTimeRange]
    )
  );
  useOverlay(overlay, width, height, theme, {
    left,
    crosshairX:
      crosshairTime !== undefined && crosshairTime >= from && crosshairTime <= to
        ? timeToX(scale, crosshairTime)
        : undefined,
    selection: zoom.selection,
    band,
  });

  const pointAt = (e: MouseEvent<HTMLElement>): PlotPoint => {
    const box = e.currentTarget.getBoundingClientRect();
    const x = e.clientX - box.left;
    const y = e.clientY - box.top;
    return { x, y, plotX: x - left, plotY: y };
  };
  const inPlot = (x: number) => Math.max(0, Math.min(plotWidth, x));

  const handlers = (onHover: (point: PlotPoint) => void, onLeave: () => void) => ({
    onMouseMove: (e: MouseEvent<HTMLCanvasElement>) => {
      const point = pointAt(e);
      zoom.move(inPlot(point.plotX));
      onHover(point);
    },
    onMouseLeave: () => {
      onLeave();
      zoom.cancel();
      publish.clear();
    },
    onMouseDown: (e: MouseEvent<HTMLCanvasElement>) => zoom.down(Math.max(0, pointAt(e).plotX)),
    onMouseUp: (e: MouseEvent<HTMLCanvasElement>) => zoom.up(inPlot(pointAt(e).plotX)),
  });

  return { overlay, handlers };
}
