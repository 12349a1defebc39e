import { parseQuery, QueryModelError } from '../parse';
import type { CorrelateQuery } from './parse';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const TO = 100 * DAY_MS;

/** A correlate query over the hour before TO, through the whole parser (shared validation included). */
function parseCorrelateJson(model: Record<string, unknown>, fromMs = TO - HOUR_MS): CorrelateQuery {
  return parseQuery({
    refId: 'A',
    queryType: 'correlate',
    timeRange: { fromEpochMS: String(fromMs), toEpochMS: String(TO) },
    json: Buffer.from(JSON.stringify({ queryType: 'correlate', ...model })),
  }) as CorrelateQuery;
}

describe('correlate query', () => {
  it('defaults to p99 over the whole range', () => {
    expect(parseCorrelateJson({})).toMatchObject({
      quantile: 0.99,
      rateWindowSeconds: 3600,
      range: { from: TO - HOUR_MS, to: TO },
      notices: [],
    });
  });

  it('takes a quantile, also as a numeric string', () => {
    expect(parseCorrelateJson({ quantile: 0.5 }).quantile).toBe(0.5);
    expect(parseCorrelateJson({ quantile: '0.95' }).quantile).toBe(0.95);
  });

  it('searches the last window of the range and rates over it, ending at the range end', () => {
    expect(parseCorrelateJson({ window: '5m' })).toMatchObject({
      rateWindowSeconds: 300,
      range: { from: TO - 300_000, to: TO },
      notices: [],
    });
  });

  it('keeps a window longer than the range as the rate window, searches the range, and says so', () => {
    const query = parseCorrelateJson({ window: '2h' });
    expect(query.rateWindowSeconds).toBe(7200);
    expect(query.range).toEqual({ from: TO - HOUR_MS, to: TO });
    expect(query.notices).toEqual([
      'The window 2h is longer than the time range: latency and error rate cover the last 2h, top errors and slowest traces the whole range.',
    ]);
  });

  it('rates over the searched 31 days of a longer range, as before', () => {
    const query = parseCorrelateJson({}, TO - 40 * DAY_MS);
    expect(query.rateWindowSeconds).toBe(31 * 24 * 3600);
    expect(query.notices).toHaveLength(1);
  });

  it.each([
    [{ quantile: 1 }, 'quantile 1 is not a latency quantile: use a number between 0 and 1, such as 0.95 for p95'],
    [{ quantile: 0 }, 'quantile 0 is not a latency quantile'],
    [{ quantile: 'p95' }, 'quantile "p95" is not a latency quantile'],
    [{ window: 'soon' }, 'window "soon" is not a Prometheus duration such as 5m, 1h or 1h30m'],
    [{ window: '30s' }, 'window "30s" is shorter than 60s'],
    [{ window: '1'.repeat(33) }, 'window is 33 characters long; the limit is 32'],
  ])('refuses %p, naming the field and how to fix it', (model, message) => {
    expect(() => parseCorrelateJson(model)).toThrow(QueryModelError);
    expect(() => parseCorrelateJson(model)).toThrow(message);
  });
});
