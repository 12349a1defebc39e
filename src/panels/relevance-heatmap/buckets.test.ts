import { FieldType, toDataFrame } from '@grafana/data';
import { bucketGrid, layoutCells, levelOf } from './buckets';

const bucket = (le: string, values: number[]) =>
  toDataFrame({
    fields: [
      { name: 'Time', type: FieldType.time, values: values.map((_, i) => i * 1000) },
      { name: 'Value', type: FieldType.number, values, labels: { le } },
    ],
  });

describe('relevance heatmap bucket maths', () => {
  it('sorts buckets numerically and de-cumulates them', () => {
    const grid = bucketGrid([bucket('+Inf', [10, 4]), bucket('0.5', [6, 4]), bucket('0.1', [1, 0])]);
    expect(grid.bounds).toEqual([0.1, 0.5, Number.POSITIVE_INFINITY]);
    expect(grid.times).toEqual([0, 1000]);
    expect(grid.counts).toEqual([
      [1, 5, 4],
      [0, 4, 0],
    ]);
    expect(grid.max).toBe(5);
  });

  it('turns counter resets into zero instead of negative cells', () => {
    const grid = bucketGrid([bucket('0.5', [3]), bucket('1', [2])]);
    expect(grid.counts).toEqual([[3, 0]]);
  });

  it('ignores series without an le label', () => {
    const noLe = toDataFrame({
      fields: [
        { name: 'Time', type: FieldType.time, values: [0] },
        { name: 'Value', type: FieldType.number, values: [1] },
      ],
    });
    expect(bucketGrid([noLe]).bounds).toEqual([]);
  });

  it('quantises counts into levels and skips empty cells', () => {
    expect(levelOf(0, 10, 16)).toBe(-1);
    expect(levelOf(10, 10, 16)).toBe(15);
    expect(levelOf(5, 10, 16)).toBe(8);
    const grid = bucketGrid([bucket('0.5', [2, 0]), bucket('1', [2, 4])]);
    const cells = layoutCells(grid, 100, 50, 4);
    expect(cells).toEqual([
      { x: 0, y: 25, width: 50, height: 25, level: 2 },
      { x: 50, y: 0, width: 50, height: 25, level: 3 },
    ]);
  });
});
