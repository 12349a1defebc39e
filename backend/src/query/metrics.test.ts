import { parseSampleValue, promResultToFrames, rangeWindow, renderLegend } from './metrics';
import type { MetricsQuery } from './model';

const query = (patch: Partial<MetricsQuery> = {}): MetricsQuery => ({
  queryType: 'metrics',
  refId: 'A',
  expr: 'up',
  instant: false,
  intervalMs: 15_000,
  maxDataPoints: 1000,
  range: { from: 1_000_000, to: 1_000_000 + 3_600_000 },
  notices: [],
  ...patch,
});

describe('range window', () => {
  it('uses the panel interval, aligned to the step', () => {
    expect(rangeWindow(query({ range: { from: 1_000_007, to: 4_600_003 } }))).toEqual({
      startSec: 990,
      endSec: 4605,
      stepSec: 15,
    });
  });

  it('is raised by minStep and by maxDataPoints', () => {
    expect(rangeWindow(query({ minStepSec: 60 })).stepSec).toBe(60);
    expect(rangeWindow(query({ maxDataPoints: 10, intervalMs: 1000 })).stepSec).toBe(360);
  });

  it('keeps a year-long range under Prometheus 11,000 points', () => {
    const year = 365 * 24 * 3600 * 1000;
    const w = rangeWindow(query({ range: { from: 0, to: year }, intervalMs: 1, maxDataPoints: 0 }));
    expect((w.endSec - w.startSec) / w.stepSec).toBeLessThanOrEqual(11_001);
  });
});

describe('series to frames', () => {
  it('parses Prometheus infinities and NaN', () => {
    expect([
      parseSampleValue('+Inf'),
      parseSampleValue('-Inf'),
      parseSampleValue('NaN'),
      parseSampleValue('0.25'),
    ]).toEqual([Infinity, -Infinity, NaN, 0.25]);
  });

  it('renders legend templates from labels', () => {
    expect(
      renderLegend('{{operation}} p99 ({{ agent_type }}) {{missing}}', { operation: 'search', agent_type: 'coding' })
    ).toBe('search p99 (coding) ');
  });

  it('gives one timeseries-multi frame per series with labels on the value field', () => {
    const frames = promResultToFrames(
      query({ legendFormat: '{{operation}}' }),
      { resultType: 'matrix', warnings: ['slow'], series: [{ metric: { operation: 'add' }, values: [[1000.5, '2']] }] },
      'Expr: up'
    );
    expect(frames).toEqual([
      {
        name: 'add',
        refId: 'A',
        meta: {
          type: 'timeseries-multi',
          typeVersion: [0, 1],
          executedQueryString: 'Expr: up',
          notices: [{ severity: 'warning', text: 'Prometheus: slow' }],
        },
        fields: [
          { name: 'Time', type: 'time', values: [1_000_500] },
          {
            name: 'Value',
            type: 'number',
            values: [2],
            labels: { operation: 'add' },
            config: { displayNameFromDS: 'add' },
          },
        ],
      },
    ]);
  });

  it('answers an empty result with one typed empty frame and marks instant results numeric-multi', () => {
    const empty = promResultToFrames(query({ instant: true }), { resultType: 'vector', warnings: [], series: [] }, 'x');
    expect(empty).toEqual([
      { refId: 'A', meta: { type: 'numeric-multi', typeVersion: [0, 1], executedQueryString: 'x' }, fields: [] },
    ]);
  });
});
