/** The width of the service name column: the widest name, at most 30 % of the panel. */
export function labelColumnWidth(names: string[], font: string, width: number): number {
  const ctx = measureContext();
  let widest = 40;
  if (ctx) {
    ctx.font = font;
    // Up to 2,000 names are measured (well under a millisecond per thousand); past that, the
    // first 2,000 stand for the rest.
    for (const name of names.slice(0, 2000)) {
      widest = Math.max(widest, ctx.measureText(name).width);
    }
  }
  return Math.round(Math.min(widest + 14, width * 0.3));
}

let measure: CanvasRenderingContext2D | null | undefined;
function measureContext() {
  if (measure === undefined) {
    measure = typeof document !== 'undefined' ? document.createElement('canvas').getContext('2d') : null;
  }
  return measure;
}
