/**
 * Sizes a canvas for a plot area of width × height CSS pixels at the screen's pixel ratio,
 * clears it, and returns a context that draws in CSS pixels; null when there is no canvas yet.
 */
export function prepareCanvas(
  el: HTMLCanvasElement | null,
  width: number,
  height: number
): CanvasRenderingContext2D | null {
  const ctx = el?.getContext('2d');
  if (!el || !ctx) {
    return null;
  }
  const ratio = window.devicePixelRatio || 1;
  el.width = Math.round(width * ratio);
  el.height = Math.round(height * ratio);
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}
