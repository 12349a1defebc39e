/** A growable list of rectangles (x, y, width, height) in one Float32Array: no object per rectangle. */
export class RectBuffer {
  data = new Float32Array(1024);
  count = 0;

  push(x: number, y: number, width: number, height: number): void {
    if ((this.count + 1) * 4 > this.data.length) {
      const bigger = new Float32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    const i = this.count * 4;
    this.data[i] = x;
    this.data[i + 1] = y;
    this.data[i + 2] = width;
    this.data[i + 3] = height;
    this.count++;
  }

  clear(): void {
    this.count = 0;
  }
}

/**
 * Fills each buffer with its colour: one Path2D of rect() calls and one fill() per colour, the
 * cheapest way a 2D canvas draws many rectangles.
 */
export function fillRects(ctx: CanvasRenderingContext2D, buffers: RectBuffer[], colors: string[]): void {
  buffers.forEach((buffer, index) => {
    if (buffer.count === 0) {
      return;
    }
    const d = buffer.data;
    const path = new Path2D();
    for (let i = 0, end = buffer.count * 4; i < end; i += 4) {
      path.rect(d[i], d[i + 1], d[i + 2], d[i + 3]);
    }
    ctx.fillStyle = colors[index];
    ctx.fill(path);
  });
}
