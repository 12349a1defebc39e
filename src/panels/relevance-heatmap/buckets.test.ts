import { FieldType, toDataFrame } from '@grafana/data';
import { RectBuffer } from '../shared/rectBuffer';
import { bucketGrid, bucketLabel, columnAt, shownBuckets, UnsuitableData } from './buckets';
import { cellLevels, levelOf, palette } from './colors';
import { hitCell, layoutCells, yLabels } from './layout';

const bucket = (le: string, values: Array<number | null>, times = values.map((_, i) => (i + 1) * 1000)) =>
  toDataFrame({
    fields: [
      { name: 'Time', type: FieldType.time, values: times },
      { name: 'Value', type: FieldType.number, values, labels: { le } },
    ],
  });
const column = (grid: ReturnType<typeof bucketGrid>, c: number) =>
  Array.from(grid.counts.slice(c * grid.upper.length, (c + 1) * grid.upper.length));

describe('buckets from Prometheus le series', () => {
  it('sorts buckets numerically, with +Inf last, and de-accumulates them', () => {
    const grid = bucketGrid([bucket('+Inf', [10, 4]), bucket('0.5', [6, 4]), bucket('0.1', [1, 0])]);
    expect(grid.upper).toEqual([0.1, 0.5, Number.POSITIVE_INFINITY]);
    expect(grid.lower).toEqual([0, 0.1, 0.5]);
    expect(column(grid, 0)).toEqual([1, 5, 4]);
    expect(column(grid, 1)).toEqual([0, 4, 0]);
    expect(grid.max).toBe(5);
    expect(Array.from(grid.columnTotals)).toEqual([10, 4]);
  });

  it('places columns by their time: a column covers the step before its timestamp, a missing scrape is a hole', () => {
    const grid = bucketGrid([bucket('1', [1, 1, 1], [1000, 2000, 5000])]);
    expect(Array.from(grid.starts)).toEqual([0, 1000, 4000]);
    expect(columnAt(grid, 1500)).toBe(1);
    expect(columnAt(grid, 3000)).toBe(-1);
    expect(columnAt(grid, 4500)).toBe(2);
  });

  it('counts a negative difference (a reset between buckets) as 0 and lets a missing bucket fall into the next', () => {
    const grid = bucketGrid([bucket('0.1', [5, 2]), bucket('0.5', [3, null]), bucket('+Inf', [9, 6])]);
    expect(column(grid, 0)).toEqual([5, 0, 4]);
    expect(column(grid, 1)).toEqual([2, 0, 4]);
  });

  it('sums series with the same le (several instances) into one histogram', () => {
    const grid = bucketGrid([bucket('1', [1]), bucket('1', [2]), bucket('+Inf', [5])]);
    expect(column(grid, 0)).toEqual([3, 2]);
  });

  it('turns raw counters into increases, treating a drop as a counter reset', () => {
    const grid = bucketGrid([bucket('1', [10, 15, 3, 8])], 'counter');
    expect(Array.from(grid.counts)).toEqual([5, 3, 5]);
  });

  it('reads Grafana heatmap-rows frames (counts per bucket, bounds from names)', () => {
    const frame = toDataFrame({
      meta: { type: 'heatmap-rows' },
      fields: [
        { name: 'Time', type: FieldType.time, values: [1000, 2000] },
        { name: '0.5', type: FieldType.number, values: [3, 1] },
        { name: '0.1', type: FieldType.number, values: [2, 0] },
      ],
    });
    const grid = bucketGrid([frame]);
    expect(grid.upper).toEqual([0.1, 0.5]);
    expect(column(grid, 0)).toEqual([2, 3]);
  });

  it('reads Grafana heatmap-cells frames', () => {
    const frame = toDataFrame({
      meta: { type: 'heatmap-cells' },
      fields: [
        { name: 'xMax', type: FieldType.time, values: [1000, 1000, 2000, 2000] },
        { name: 'yMin', type: FieldType.number, values: [0, 1, 0, 1] },
        { name: 'yMax', type: FieldType.number, values: [1, 2, 1, 2] },
        { name: 'count', type: FieldType.number, values: [4, 0, 1, 7] },
      ],
    });
    const grid = bucketGrid([frame]);
    expect(grid.lower).toEqual([0, 1]);
    expect(grid.upper).toEqual([1, 2]);
    expect(column(grid, 1)).toEqual([1, 7]);
  });

  it('says what to query when the data has no buckets or no data', () => {
    const plain = toDataFrame({
      fields: [
        { name: 'Time', type: FieldType.time, values: [1] },
        { name: 'Value', type: FieldType.number, values: [1] },
      ],
    });
    expect(() => bucketGrid([plain])).toThrow(UnsuitableData);
    expect(() => bucketGrid([plain])).toThrow(/sum by \(le\)/);
    expect(() => bucketGrid([])).toThrow(/No data/);
  });

  it('labels bucket ranges and hides empty buckets on request', () => {
    const grid = bucketGrid([bucket('0.1', [0, 0]), bucket('0.5', [3, 1]), bucket('+Inf', [3, 1])]);
    expect([0, 1, 2].map((b) => bucketLabel(grid, b))).toEqual(['≤ 0.1', '0.1 – 0.5', '> 0.5']);
    expect(shownBuckets(grid, true)).toEqual([1]);
    expect(shownBuckets(grid, false)).toEqual([0, 1, 2]);
  });
});

describe('colour scale', () => {
  it('maps counts to palette levels with linear, sqrt and log scales; 0 is not drawn', () => {
    expect(levelOf(0, 100, 10, 'linear')).toBe(-1);
    expect(levelOf(100, 100, 10, 'linear')).toBe(9);
    expect(levelOf(10, 100, 10, 'linear')).toBe(0);
    expect(levelOf(25, 100, 10, 'sqrt')).toBe(4);
    expect(levelOf(10, 100, 10, 'log')).toBe(4);
    expect(levelOf(1, 100, 10, 'log')).toBe(0);
  });

  it('gives as many colours as steps, reversed between light and dark themes', () => {
    const light = palette('Oranges', 8, false);
    const dark = palette('Oranges', 8, true);
    expect(light).toHaveLength(8);
    expect(light[0]).not.toBe(dark[0]);
  });
});

describe('heatmap layout', () => {
  const grid = bucketGrid([bucket('1', [1, 2, 3, 4]), bucket('+Inf', [1, 2, 3, 8])]);
  const vp = { from: 0, to: 4000, width: 400, height: 100 };

  it('draws one rectangle per non-empty cell, at its time, bottom bucket at the bottom', () => {
    const out = layoutCells(grid, [0, 1], vp, cellLevels(grid.counts, grid.max, 1, 'linear'), [new RectBuffer()]);
    expect(out[0].count).toBe(5); // 4 columns of bucket 1, and +Inf's own count only in the last (8 - 4)
    expect(Array.from(out[0].data.slice(0, 4))).toEqual([0, 50, 100, 50]);
  });

  it('shares a pixel between columns narrower than a pixel, keeping the largest count', () => {
    const times = Array.from({ length: 10_000 }, (_, i) => (i + 1) * 10);
    const wide = bucketGrid([
      bucket(
        '1',
        times.map((_, i) => (i === 5000 ? 99 : 1)),
        times
      ),
    ]);
    const vp10 = { from: 0, to: 100_000, width: 100, height: 10 };
    const out = layoutCells(wide, [0], vp10, cellLevels(wide.counts, wide.max, 2, 'linear'), [
      new RectBuffer(),
      new RectBuffer(),
    ]);
    // 10,000 columns in 100 px: one rectangle per pixel, the one with 99 in the top level.
    expect(out[0].count + out[1].count).toBe(100);
    expect(out[1].count).toBe(1);
    expect(out[1].data[0]).toBe(50);
  });

  it('finds the cell under the pointer with its share of the column', () => {
    const cell = hitCell(grid, [0, 1], vp, 350, 10);
    expect(cell).toEqual({ column: 3, bucket: 1, count: 4, share: 0.5, time: 4000 });
  });

  it('labels bucket bounds without overlapping', () => {
    const many = bucketGrid(Array.from({ length: 40 }, (_, i) => bucket(String(i + 1), [i + 1])));
    const labels = yLabels(many, shownBuckets(many, false), { from: 0, to: 1000, width: 100, height: 200 }, 14);
    for (let i = 1; i < labels.length; i++) {
      expect(labels[i - 1].y - labels[i].y).toBeGreaterThanOrEqual(14);
    }
    expect(labels.length).toBeGreaterThan(5);
  });
});
