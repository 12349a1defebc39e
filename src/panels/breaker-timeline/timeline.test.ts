import { FieldType, toDataFrame } from '@grafana/data';
import { breakerRows, layoutRuns, stateOf } from './timeline';

const frame = (service: string, times: number[], values: number[]) =>
  toDataFrame({
    fields: [
      { name: 'Time', type: FieldType.time, values: times },
      { name: 'Value', type: FieldType.number, values, labels: { service_name: service } },
    ],
  });

describe('breaker timeline maths', () => {
  it('maps the guide encoding of states', () => {
    expect([0, 1, 2, -1, 7].map(stateOf)).toEqual(['closed', 'open', 'half_open', 'unknown', 'unknown']);
  });

  it('merges equal consecutive samples into runs and extends the last to the range end', () => {
    const rows = breakerRows([frame('redis', [0, 10, 20, 30, 40], [0, 0, 1, 1, 2])], 60);
    expect(rows).toEqual([
      {
        name: 'redis',
        runs: [
          { from: 0, to: 20, state: 'closed' },
          { from: 20, to: 40, state: 'open' },
          { from: 40, to: 60, state: 'half_open' },
        ],
      },
    ]);
  });

  it('lays out one row per service, sorted by name', () => {
    const rows = breakerRows([frame('vector', [0, 500], [0, 0]), frame('cache', [0, 500], [1, 0])], 1000);
    expect(rows.map((r) => r.name)).toEqual(['cache', 'vector']);
    const rects = layoutRuns(rows, 0, 1000, 100, 40, 0);
    // cache: open for the first half, closed for the second; each row half the height.
    expect(rects.filter((r) => r.y === 0).map((r) => [r.state, r.x, r.width])).toEqual([
      ['open', 0, 50],
      ['closed', 50, 50],
    ]);
    expect(rects.filter((r) => r.y === 20).every((r) => r.height === 20)).toBe(true);
  });

  it('keeps a 5 ms opening in a 1 s range visible at its time, and every run inside the plot', () => {
    // closed, open at 500 ms for 5 ms, closed again; another service changes state at the very end.
    const rows = breakerRows(
      [frame('redis', [0, 500, 505], [0, 1, 0]), frame('neo4j', [0, 1000], [0, 1])],
      1000
    );
    const width = 100;
    const rects = layoutRuns(rows, 0, 1000, width, 40, 0);
    const opening = rects.find((r) => r.state === 'open' && r.y === 20)!; // redis is the second row
    expect(opening.width).toBeGreaterThanOrEqual(1);
    expect(Math.abs(opening.x - 50)).toBeLessThanOrEqual(1); // 500 ms of 1000 ms is half the width
    for (const rect of rects) {
      expect(rect.x).toBeGreaterThanOrEqual(0);
      expect(rect.x + rect.width).toBeLessThanOrEqual(width);
    }
    const lastChange = rects.find((r) => r.state === 'open' && r.y === 0)!; // neo4j opened at the range end
    expect(lastChange.x + lastChange.width).toBe(width);
  });
});
