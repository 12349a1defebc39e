import { dateTimeFormat } from '@grafana/data';
import type { TimeZone } from '@grafana/schema';
import { timeTicks, timeToX, type TimeScale } from './timeScale';

export interface AxisStyle {
  font: string;
  text: string;
  grid: string;
}

/**
 * Draws a time axis under the plot (ticks and labels in the dashboard's time zone) and returns the
 * labels drawn, so that tests can read them. `left` is where the plot starts on the canvas.
 */
export function drawTimeAxis(
  ctx: CanvasRenderingContext2D,
  scale: TimeScale,
  left: number,
  y: number,
  timeZone: TimeZone,
  style: AxisStyle
): string[] {
  const ticks = timeTicks(scale, 90);
  ctx.font = style.font;
  ctx.fillStyle = style.text;
  ctx.strokeStyle = style.grid;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.beginPath();
  const labels: string[] = [];
  const right = left + scale.width;
  for (const t of ticks.times) {
    const x = left + timeToX(scale, t);
    const label = dateTimeFormat(t, { format: ticks.format, timeZone });
    const half = ctx.measureText(label).width / 2;
    ctx.moveTo(Math.round(x) + 0.5, y);
    ctx.lineTo(Math.round(x) + 0.5, y + 4);
    // A label that would be cut at either end of the plot is left out; its tick stays.
    if (x - half >= left - 4 && x + half <= right + 4) {
      ctx.fillText(label, x, y + 5);
      labels.push(label);
    }
  }
  ctx.stroke();
  return labels;
}
