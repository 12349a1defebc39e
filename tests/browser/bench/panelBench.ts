/**
 * Timing page for npm run bench:panels (scripts/bench-panels.mjs drives it in Chromium).
 * For each size it builds synthetic data, then times on one canvas:
 *  - our draw: the panel's layout (pixel collapsing, visible rows only) and its fills;
 *  - the baseline: one rect() per visible cell into one Path2D per colour, one fill() per colour;
 *  - hover: one hit test (the panel's tooltip lookup);
 *  - prepare (reported apart): frames to rows or to the bucket grid, once per data change.
 * Each draw ends with getImageData so that Chromium rasterises before the clock stops.
 */
import { createTheme, FieldType, toDataFrame } from '@grafana/data';
import { timelineModel } from '../../../src/panels/breaker-timeline/frames';
import { hitTest, layoutRuns, visibleRows, type Viewport } from '../../../src/panels/breaker-timeline/layout';
import { bucketGrid } from '../../../src/panels/relevance-heatmap/buckets';
import { cellLevels, palette } from '../../../src/panels/relevance-heatmap/colors';
import { hitCell, layoutCells } from '../../../src/panels/relevance-heatmap/layout';
import { fillRects, RectBuffer } from '../../../src/panels/shared/rectBuffer';

const WIDTH = 1000;
const HEIGHT = 600;
const theme = createTheme({ colors: { mode: 'dark' } });

function canvas(): CanvasRenderingContext2D {
  const el = document.createElement('canvas');
  el.width = WIDTH;
  el.height = HEIGHT;
  document.body.appendChild(el);
  return el.getContext('2d')!;
}

function time(fn: () => void, repeats: number): number {
  const samples: number[] = [];
  for (let i = 0; i < repeats + 2; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  const kept = samples.slice(2).sort((a, b) => a - b);
  return kept[Math.floor(kept.length / 2)];
}

function flush(ctx: CanvasRenderingContext2D) {
  ctx.getImageData(0, 0, 1, 1);
}

/** The baseline's fill: one fill() per colour of its Path2D, then rasterise. */
function fillPaths(ctx: CanvasRenderingContext2D, paths: Path2D[], colors: string[]) {
  paths.forEach((path, i) => {
    ctx.fillStyle = colors[i];
    ctx.fill(path);
  });
  flush(ctx);
}

/** Mean time of one hit test (µs) over 10,000 points spread over the canvas. */
function hoverMicros(hit: (x: number, y: number) => unknown): number {
  const hovers = 10_000;
  const t0 = performance.now();
  for (let i = 0; i < hovers; i++) {
    hit((i * 7919) % WIDTH, (i * 104729) % HEIGHT);
  }
  return ((performance.now() - t0) / hovers) * 1000;
}

export function benchTimeline(services: number, changes: number, repeats: number) {
  const from = 0;
  const to = changes * 1000;
  const times = Array.from({ length: changes }, (_, i) => i * 1000);
  const frames = Array.from({ length: services }, (_, s) =>
    toDataFrame({
      fields: [
        { name: 'Time', type: FieldType.time, values: times },
        // Every sample a change: cells = runs = input points.
        {
          name: 'Value',
          type: FieldType.number,
          values: times.map((_, i) => (i + s) % 3),
          labels: { service_name: `s${s}` },
        },
      ],
    })
  );
  let model = timelineModel(frames, theme, from, to);
  const prepareMs = time(() => (model = timelineModel(frames, theme, from, to)), 3);
  const colors = model.states.map((s) => s.color);
  const vp: Viewport = { from, to, width: WIDTH, height: HEIGHT, rowHeight: 18, scrollRows: 0, gap: 2 };
  const ctx = canvas();
  const buffers = colors.map(() => new RectBuffer());
  const priority = colors.map(() => 0);
  const hidden = colors.map(() => false);
  const ours = time(() => {
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    layoutRuns(model.rows, vp, priority, hidden, buffers);
    fillRects(ctx, buffers, colors);
    flush(ctx);
  }, repeats);
  const { first, last } = visibleRows(model.rows.length, vp);
  const scale = WIDTH / (to - from);
  const baseline = time(() => {
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    const paths = colors.map(() => new Path2D());
    for (let r = first; r < last; r++) {
      const row = model.rows[r];
      for (let i = 0; i < row.length; i++) {
        paths[row.states[i]].rect(
          (row.starts[i] - from) * scale,
          r * 18 + 1,
          (row.ends[i] - row.starts[i]) * scale,
          16
        );
      }
    }
    fillPaths(ctx, paths, colors);
  }, repeats);
  const hoverUs = hoverMicros((x, y) => hitTest(model.rows, vp, x, y));
  return { points: services * changes, visibleCells: (last - first) * changes, prepareMs, ours, baseline, hoverUs };
}

export function benchHeatmap(buckets: number, columns: number, repeats: number) {
  const step = 1000;
  const times = Array.from({ length: columns }, (_, i) => (i + 1) * step);
  const frames = Array.from({ length: buckets }, (_, b) =>
    toDataFrame({
      fields: [
        { name: 'Time', type: FieldType.time, values: times },
        {
          name: 'Value',
          type: FieldType.number,
          // Cumulative by le: bucket b holds everything up to it.
          values: times.map((_, c) => (b + 1) * (1 + ((c * 31 + b * 7) % 17))),
          labels: { le: b === buckets - 1 ? '+Inf' : String((b + 1) / buckets) },
        },
      ],
    })
  );
  let grid = bucketGrid(frames);
  const prepareMs = time(() => (grid = bucketGrid(frames)), 3);
  const colors = palette('Oranges', 64, true);
  const shown = grid.upper.map((_, i) => i);
  const vp = { from: 0, to: columns * step, width: WIDTH, height: HEIGHT };
  const ctx = canvas();
  const buffers = colors.map(() => new RectBuffer());
  const l0 = performance.now();
  const levels = cellLevels(grid.counts, grid.max, colors.length, 'sqrt');
  const colourMs = performance.now() - l0;
  const ours = time(() => {
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    layoutCells(grid, shown, vp, levels, buffers);
    fillRects(ctx, buffers, colors);
    flush(ctx);
  }, repeats);
  // The baseline uses the same cell colours; it only places and fills.
  const cellWidth = WIDTH / columns;
  const cellHeight = HEIGHT / buckets;
  const baseline = time(() => {
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    const paths = colors.map(() => new Path2D());
    for (let c = 0; c < columns; c++) {
      for (let b = 0; b < buckets; b++) {
        const level = levels[c * buckets + b];
        if (level >= 0) {
          paths[level].rect(c * cellWidth, HEIGHT - (b + 1) * cellHeight, cellWidth, cellHeight);
        }
      }
    }
    fillPaths(ctx, paths, colors);
  }, repeats);
  const hoverUs = hoverMicros((x, y) => hitCell(grid, shown, vp, x, y));
  return {
    points: buckets * columns,
    visibleCells: buckets * columns,
    prepareMs: prepareMs + colourMs,
    ours,
    baseline,
    hoverUs,
  };
}

Object.assign(window, { benchTimeline, benchHeatmap, benchReady: true });
