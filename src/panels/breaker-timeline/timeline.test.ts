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

  it('lays out one row per service, sorted, with visible minimum widths', () => {
    const rows = breakerRows([frame('vector', [0, 1], [0, 0]), frame('cache', [0, 1000], [1, 0])], 1000);
    const rects = layoutRuns(rows, 0, 1000, 100, 40, 0);
    expect(rows.map((r) => r.name)).toEqual(['cache', 'vector']);
    expect(rects).toEqual([
      { x: 0, y: 0, width: 100, height: 20, state: 'open' },
      { x: 100, y: 0, width: 1, height: 20, state: 'closed' },
      { x: 0, y: 20, width: 100, height: 20, state: 'closed' },
    ]);
  });
});
