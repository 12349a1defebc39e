import { useEffect, type RefObject } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { prepareCanvas } from './canvas';

/** What follows the pointer: drawn on a canvas of its own, so hovering never redraws the data. */
export interface OverlayMarks {
  /** Where the plot starts on the canvas (px): crosshair and selection are in plot coordinates. */
  left: number;
  crosshairX?: number;
  selection?: { x0: number; x1: number };
  /** A highlighted horizontal band across the whole canvas (the hovered row). */
  band?: { y: number; height: number };
}

export function drawOverlay(
  ctx: CanvasRenderingContext2D,
  height: number,
  width: number,
  theme: GrafanaTheme2,
  marks: OverlayMarks
): void {
  if (marks.band) {
    ctx.fillStyle = theme.colors.action.hover;
    ctx.fillRect(0, marks.band.y, width, marks.band.height);
  }
  if (marks.crosshairX !== undefined) {
    ctx.fillStyle = theme.colors.text.secondary;
    ctx.fillRect(marks.left + Math.round(marks.crosshairX), 0, 1, height);
  }
  if (marks.selection) {
    ctx.fillStyle = theme.isDark ? 'rgba(120, 160, 255, 0.2)' : 'rgba(30, 90, 220, 0.15)';
    ctx.fillRect(marks.left + marks.selection.x0, 0, marks.selection.x1 - marks.selection.x0, height);
  }
}

/** Keeps an overlay canvas drawn with the current marks. */
export function useOverlay(
  ref: RefObject<HTMLCanvasElement | null>,
  width: number,
  height: number,
  theme: GrafanaTheme2,
  marks: OverlayMarks
): void {
  const { left, crosshairX, selection } = marks;
  const bandY = marks.band?.y;
  const bandHeight = marks.band?.height;
  useEffect(() => {
    const ctx = prepareCanvas(ref.current, width, height);
    if (ctx) {
      const band = bandY !== undefined && bandHeight !== undefined ? { y: bandY, height: bandHeight } : undefined;
      drawOverlay(ctx, height, width, theme, { left, crosshairX, selection, band });
    }
  }, [ref, width, height, theme, left, crosshairX, selection, bandY, bandHeight]);
}

/** The overlay canvas sits on the data canvas and takes the pointer and the keyboard. */
export function overlayStyle(theme: GrafanaTheme2): string {
  return css({
    position: 'absolute',
    top: 0,
    left: 0,
    display: 'block',
    outline: 'none',
    '&:focus-visible': { boxShadow: `inset 0 0 0 1px ${theme.colors.primary.border}` },
  });
}
