import { createTheme, FieldType, MappingType, toDataFrame } from '@grafana/data';
import { RectBuffer } from '../shared/rectBuffer';
import { timelineModel } from './frames';
import { hitTest, layoutRuns, type Viewport } from './layout';
import { firstRunEndingAfter, makeClassifier, rowStats, runAt, seriesRow, sortRows, stateShares } from './timeline';

const theme = createTheme({ colors: { mode: 'dark' } });
const frame = (labels: Record<string, string>, times: number[], values: Array<number | null>, interval?: number) =>
  toDataFrame({
    fields: [
      { name: 'Time', type: FieldType.time, values: times, config: interval ? { interval } : {} },
      { name: 'Value', type: FieldType.number, values, labels },
    ],
  });
const runs = (row: { starts: Float64Array; ends: Float64Array; states: Int32Array; length: number }, texts: string[]) =>
  Array.from({ length: row.length }, (_, i) => [row.starts[i], row.ends[i], texts[row.states[i]]]);

describe('breaker rows from frames', () => {
  it('merges equal samples into runs, in the states of the default mappings, and ends the last after one step', () => {
    const model = timelineModel([frame({ service_name: 'redis' }, [0, 10, 20, 30, 40], [0, 0, 1, 1, 2])], theme, 0, 60);
    const texts = model.states.map((s) => s.text);
    expect(texts).toEqual(['Closed', 'Open', 'Half-open']);
    expect(runs(model.rows[0], texts)).toEqual([
      [0, 20, 'Closed'],
      [20, 40, 'Open'],
      [40, 50, 'Half-open'],
    ]);
    expect(model.rows[0].name).toBe('redis');
    expect(model.rows[0].transitions).toBe(2);
    expect(model.rows[0].stateMs).toEqual([20, 20, 10]);
    expect(model.openState).toBe(1);
  });

  it('leaves nulls and missing samples as gaps instead of bridging them', () => {
    const model = timelineModel(
      [frame({ service_name: 'pg' }, [0, 10, 20, 30, 80, 90], [1, null, 1, 1, 1, 1])],
      theme,
      0,
      100
    );
    const texts = model.states.map((s) => s.text);
    // 0 holds until the null at 10; 30 is followed by nothing until 80 (> 2 steps): a gap after 40.
    expect(runs(model.rows[0], texts)).toEqual([
      [0, 10, 'Open'],
      [20, 40, 'Open'],
      [80, 100, 'Open'],
    ]);
    expect(runAt(model.rows[0], 15)).toBe(-1);
    expect(runAt(model.rows[0], 50)).toBe(-1);
    expect(runAt(model.rows[0], 85)).toBe(2);
  });

  it('uses the step Grafana sends in the field config over the inferred one', () => {
    // Inferred, the step would be 40 and the two samples one run; with Grafana's 15 s, a gap.
    const model = timelineModel([frame({ service_name: 'a' }, [0, 40], [0, 0], 15)], theme, 0, 100);
    expect(runs(model.rows[0], ['closed'])).toEqual([
      [0, 15, 'closed'],
      [40, 55, 'closed'],
    ]);
  });

  it('keeps series of the same service from several instances apart, named by display name', () => {
    const model = timelineModel(
      [
        frame({ service_name: 'redis', instance: 'a:1' }, [0, 10], [0, 0]),
        frame({ service_name: 'redis', instance: 'b:1' }, [0, 10], [1, 1]),
      ],
      theme,
      0,
      20
    );
    expect(model.rows.map((r) => r.name)).toHaveLength(2);
    expect(new Set(model.rows.map((r) => r.name)).size).toBe(2);
    expect(model.rows.every((r) => r.name.includes('redis'))).toBe(true);
  });

  it('names and colours states from the field value mappings, and greys out values no mapping knows', () => {
    const f = frame({ service_name: 'x' }, [0, 10, 20], [5, 6, 7]);
    f.fields[1].config.mappings = [
      {
        type: MappingType.ValueToText,
        options: { '5': { text: 'healthy', color: 'blue' }, '6': { text: 'tripped', color: 'purple' } },
      },
    ];
    const model = timelineModel([f], theme, 0, 30);
    const texts = model.states.map((s) => s.text);
    expect(texts.slice(0, 2)).toEqual(['healthy', 'tripped']);
    expect(texts).toContain('unknown (7)');
    expect(model.states[0].color).toBe(theme.visualization.getColorByName('blue'));
    expect(model.states[texts.indexOf('unknown (7)')].color).toBe(theme.colors.text.disabled);
  });

  it('shows an instant result (one sample) as the current state across the range', () => {
    const model = timelineModel([frame({ service_name: 'x' }, [100], [1])], theme, 0, 100);
    expect(
      runs(
        model.rows[0],
        model.states.map((s) => s.text)
      )
    ).toEqual([[0, 100, 'Open']]);
  });

  it('ignores frames without a time field', () => {
    const f = toDataFrame({ fields: [{ name: 'Value', type: FieldType.number, values: [1] }] });
    expect(timelineModel([f], theme, 0, 10).rows).toEqual([]);
  });
});

describe('sorting, shares and hit testing', () => {
  const classify = makeClassifier((v) => ({ text: String(v), color: 'c' }));
  classify(0);
  classify(1);
  const row = (name: string, values: number[]) =>
    rowStats(
      seriesRow({ name, times: values.map((_, i) => i * 10), values, step: 10 }, classify, 0, values.length * 10),
      0,
      1000,
      2
    );
  const rows = [row('b', [0, 1, 0, 1]), row('a', [0, 0, 0, 0]), row('c10', [1, 1, 1, 0]), row('c9', [0, 0, 0, 0])];

  it('sorts by name (numbers in names in order), by time open and by transitions', () => {
    expect(sortRows(rows, 'name', 1).map((r) => r.name)).toEqual(['a', 'b', 'c9', 'c10']);
    expect(sortRows(rows, 'openTime', 1).map((r) => r.name)).toEqual(['c10', 'b', 'a', 'c9']);
    expect(sortRows(rows, 'transitions', 1).map((r) => r.name)).toEqual(['b', 'c10', 'a', 'c9']);
  });

  it("gives each state's share of the known time", () => {
    const shares = stateShares(rows, 2);
    expect(shares[0] + shares[1]).toBeCloseTo(1);
    expect(shares[1]).toBeCloseTo(5 / 16);
  });

  it('finds the run under a point with a binary search, across scrolled rows', () => {
    const vp: Viewport = { from: 0, to: 40, width: 400, height: 40, rowHeight: 20, scrollRows: 1, gap: 2 };
    expect(hitTest(rows, vp, 150, 5)).toEqual({ row: 1, run: 0, time: 15 });
    expect(hitTest(rows, vp, 150, 25)).toEqual({ row: 2, run: 0, time: 15 });
    expect(hitTest(rows, vp, 350, 25)).toEqual({ row: 2, run: 1, time: 35 });
    expect(hitTest(rows, vp, 500, 5)).toBeUndefined();
    expect(firstRunEndingAfter(rows[0], 25)).toBe(2);
  });
});

describe('layout of runs into rectangles', () => {
  const classify = makeClassifier((v) => ({ text: String(v), color: 'c' }));
  const buffers = () => [new RectBuffer(), new RectBuffer()];

  it('draws only visible rows and clips runs to the plot', () => {
    classify(0);
    classify(1);
    const rows = Array.from({ length: 100 }, (_, i) =>
      seriesRow({ name: `s${i}`, times: [0, 50], values: [0, 1], step: 50 }, classify, -50, 150)
    );
    const vp: Viewport = { from: 25, to: 75, width: 100, height: 40, rowHeight: 20, scrollRows: 10, gap: 2 };
    const out = layoutRuns(rows, vp, [0, 0], [false, false], buffers());
    expect(out[0].count + out[1].count).toBe(4); // 2 visible rows × 2 runs
    expect(Array.from(out[0].data.slice(0, 4))).toEqual([0, 1, 50, 18]);
    expect(Array.from(out[1].data.slice(0, 4))).toEqual([50, 1, 50, 18]);
  });

  it('collapses runs that share a pixel into one 1 px rectangle of the rarest state', () => {
    const times = Array.from({ length: 1000 }, (_, i) => i);
    const values = times.map((i) => (i === 500 ? 1 : 0));
    const row = seriesRow(
      { name: 'r', times, values: values.map((v, i) => (i % 2 ? v : v)), step: 1 },
      classify,
      0,
      1000
    );
    // Alternate states so that runs are 1 ms wide, 10 per pixel.
    const flicker = seriesRow({ name: 'f', times, values: times.map((i) => i % 2), step: 1 }, classify, 0, 1000);
    const vp: Viewport = { from: 0, to: 1000, width: 100, height: 40, rowHeight: 20, scrollRows: 0, gap: 0 };
    const out = layoutRuns([row, flicker], vp, [0, 1], [false, false], buffers());
    expect(out[0].count + out[1].count).toBeLessThanOrEqual(2 + 100 + 100);
    // The flickering row shows the rarer (higher-priority) state in every pixel.
    const flickerRects = [];
    for (let i = 0; i < out[1].count; i++) {
      if (out[1].data[i * 4 + 1] === 20) {
        flickerRects.push(out[1].data[i * 4]);
      }
    }
    expect(flickerRects).toHaveLength(100);
    // The single opening of the first row stays visible as 1 px.
    const opened = [];
    for (let i = 0; i < out[1].count; i++) {
      if (out[1].data[i * 4 + 1] === 0) {
        opened.push(out[1].data[i * 4]);
      }
    }
    expect(opened).toEqual([50]);
  });

  it('does not draw hidden states', () => {
    const row = seriesRow({ name: 'r', times: [0, 10], values: [0, 1], step: 10 }, classify, 0, 20);
    const vp: Viewport = { from: 0, to: 20, width: 100, height: 20, rowHeight: 20, scrollRows: 0, gap: 0 };
    const out = layoutRuns([row], vp, [0, 0], [false, true], buffers());
    expect(out[0].count).toBe(1);
    expect(out[1].count).toBe(0);
  });
});
