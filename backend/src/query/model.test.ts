import { parseDurationSeconds, parseQuery, QueryModelError } from './model';

const base = {
  refId: 'A',
  timeRange: { fromEpochMS: '1000', toEpochMS: '61000' },
  intervalMS: '5000',
  maxDataPoints: '100',
};
const withJson = (json: unknown, extra = {}) => ({
  ...base,
  ...extra,
  json: Buffer.from(typeof json === 'string' ? json : JSON.stringify(json)),
});

describe('query model', () => {
  it('parses a metrics query with int64 fields sent as strings', () => {
    expect(parseQuery(withJson({ expr: 'up', legendFormat: '{{job}}', minStep: '15s' }))).toEqual({
      queryType: 'metrics',
      refId: 'A',
      expr: 'up',
      instant: false,
      legendFormat: '{{job}}',
      minStepSec: 15,
      intervalMs: 5000,
      maxDataPoints: 100,
      range: { from: 1000, to: 61000 },
    });
  });

  it.each([
    ['{not json', 'not valid JSON'],
    ['[1,2]', 'must be a JSON object'],
    [{ expr: '' }, 'no PromQL expression'],
    [{ expr: 42 }, 'no PromQL expression'],
    [{ expr: 'up', legendFormat: 3 }, 'legendFormat must be a string'],
    [{ expr: 'up', minStep: 'soon' }, 'not a duration'],
    [{ expr: 'x'.repeat(70_000) }, 'the limit is 65536'],
  ])('rejects %p with a message saying what is wrong', (json, message) => {
    expect(() => parseQuery(withJson(json))).toThrow(QueryModelError);
    expect(() => parseQuery(withJson(json))).toThrow(message);
  });

  it('rejects unknown query types and missing or inverted time ranges', () => {
    expect(() => parseQuery(withJson({ expr: 'up' }, { queryType: 'sql' }))).toThrow('unknown query type "sql"');
    expect(() => parseQuery(withJson({ expr: 'up' }, { timeRange: undefined }))).toThrow('no valid time range');
    expect(() => parseQuery(withJson({ expr: 'up' }, { timeRange: { fromEpochMS: '10', toEpochMS: '5' } }))).toThrow(
      'no valid time range'
    );
  });

  it('parses Prometheus durations', () => {
    expect(parseDurationSeconds('1m30s')).toBe(90);
    expect(parseDurationSeconds('500ms')).toBe(0.5);
    expect(parseDurationSeconds('2')).toBe(2);
    expect(parseDurationSeconds('1x')).toBeUndefined();
    expect(parseDurationSeconds('')).toBeUndefined();
    expect(parseDurationSeconds(-3)).toBeUndefined();
  });
});
