import { PARTIAL_ANSWER_NOTICE, parseSampleValue, promResultToFrames, renderLegend } from './frames';
import { rangeWindow } from './window';

const SCRAPE_SEC = 15;
import type { MetricsQuery } from './parse';

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
    expect(rangeWindow(query({ range: { from: 1_000_007, to: 4_600_003 } }), SCRAPE_SEC)).toEqual({
      startSec: 990,
      endSec: 4605,
      stepSec: 15,
    });
  });

  it('is raised by minStep and by maxDataPoints', () => {
    expect(rangeWindow(query({ minStepSec: 60 }), SCRAPE_SEC).stepSec).toBe(60);
    expect(rangeWindow(query({ maxDataPoints: 10, intervalMs: 1000 }), SCRAPE_SEC).stepSec).toBe(360);
  });

  it('is at least the scrape interval, unless the query sets its own minStep', () => {
    // An alert rule's query: Grafana sends intervalMs 1000 and maxDataPoints 43200.
    const alert = query({ intervalMs: 1000, maxDataPoints: 43_200, range: { from: 0, to: 600_000 } });
    expect(rangeWindow(alert, 60).stepSec).toBe(60);
    expect(rangeWindow(alert, SCRAPE_SEC).stepSec).toBe(15);
    expect(rangeWindow({ ...alert, minStepSec: 5 }, 60).stepSec).toBe(5);
  });

  it('keeps a year-long range under Prometheus 11,000 points', () => {
    const year = 365 * 24 * 3600 * 1000;
    const w = rangeWindow(query({ range: { from: 0, to: year }, intervalMs: 1, maxDataPoints: 0 }), SCRAPE_SEC);
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

  it('renders only the labels own keys, and keeps {{}} and unclosed braces as written', () => {
    expect(renderLegend('{{constructor}}|{{__proto__}}|{{toString}}', {})).toBe('||');
    expect(renderLegend('{{}} {{ a }} {{b', { a: 'x' })).toBe('{{}} x {{b');
    expect(renderLegend('{{{a}}}', { '{a': 'y' })).toBe('y}');
    expect(renderLegend('no template', { a: 'x' })).toBe('no template');
  });

  it('renders a hostile legend in linear time', () => {
    // "{{" and 2,000 spaces took the former /\{\{\s*(.+?)\s*\}\}/g about a second (cubic), so
    // these 200,000-character formats would take days; one scan takes milliseconds. The bound
    // leaves room for a busy machine.
    const n = 100_000;
    const hostile = ['{{' + ' '.repeat(2 * n), '{{'.repeat(n), '{{ a '.repeat(n / 2) + '}}', '}}'.repeat(n)];
    for (const format of hostile) {
      const started = performance.now();
      renderLegend(format, { a: 'x' });
      expect(performance.now() - started).toBeLessThan(500);
    }
  });

  it('gives one timeseries-multi frame per series with labels on the value field', () => {
    const frames = promResultToFrames(
      query({ legendFormat: '{{operation}}' }),
      {
        resultType: 'matrix',
        warnings: ['slow'],
        partial: false,
        series: [{ metric: { operation: 'add' }, values: [[1000.5, '2']] }],
      },
      'Expr: up',
      15
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
          // The step, so that Grafana draws a gap where samples are missing.
          { name: 'Time', type: 'time', values: [1_000_500], config: { interval: 15_000 } },
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

  it('puts a partial-answer notice first when the back end says its answer is partial', () => {
    const [frame] = promResultToFrames(
      query({ instant: true }),
      { resultType: 'vector', warnings: ['store b down'], partial: true, series: [] },
      'x'
    );
    expect(frame.meta?.notices).toEqual([
      { severity: 'warning', text: PARTIAL_ANSWER_NOTICE },
      { severity: 'warning', text: 'Prometheus: store b down' },
    ]);
  });

  it('answers an empty result with one typed empty frame and marks instant results numeric-multi', () => {
    const empty = promResultToFrames(
      query({ instant: true }),
      { resultType: 'vector', warnings: [], partial: false, series: [] },
      'x'
    );
    expect(empty).toEqual([
      { refId: 'A', meta: { type: 'numeric-multi', typeVersion: [0, 1], executedQueryString: 'x' }, fields: [] },
    ]);
  });
});
