/**
 * The contract's types are part of what it promises: each `@ts-expect-error` below is a model or
 * settings key that must not compile. If the union or the settings keys loosen, the directive has
 * nothing to suppress and `npm run typecheck` fails (tsc covers src/ through the root tsconfig).
 * At run time, the shared validation refuses the same models.
 */
import {
  LIMITS,
  checkQueryModel,
  quantileName,
  sourceKey,
  type AgentMemoryJsonData,
  type AgentMemorySecureJsonData,
  type QueryModel,
} from '../../contract';
import { jsonPatch } from './components/jsonPatch';
import type { AgentMemoryDataQuery } from './types';

const valid: QueryModel[] = [
  { expr: 'up' },
  { queryType: 'metrics', expr: 'up', instant: true },
  { queryType: 'logs', query: 'level:ERROR', filters: { level: ['ERROR'] }, limit: 10 },
  { queryType: 'logs_count', groupBy: 'error_type' },
  { queryType: 'traces', traceId: 'abc123' },
  { queryType: 'traces', service: 'memory-api', operation: 'search' },
  { queryType: 'correlate' },
  { queryType: 'correlate', service: 'memory-api', quantile: 0.95, window: '5m' },
];

// @ts-expect-error a quantile is a number such as 0.95, not a name such as "p95"
const correlateWithNamedQuantile: QueryModel = { queryType: 'correlate', quantile: 'p95' };

// @ts-expect-error a window is a Prometheus duration text, not a number of seconds
const correlateWithNumericWindow: QueryModel = { queryType: 'correlate', window: 300 };

// @ts-expect-error a metrics query has no logs-only field
const metricsWithLogsField: QueryModel = { queryType: 'metrics', expr: 'up', filters: { level: ['ERROR'] } };

// @ts-expect-error a traces query needs a traceId or a service
const tracesWithoutRequired: QueryModel = { queryType: 'traces', operation: 'search' };

// @ts-expect-error a metrics query needs its PromQL expression
const metricsWithoutExpr: QueryModel = { queryType: 'metrics' };

// @ts-expect-error a correlate query has no groupBy
const correlateWithGroupBy: AgentMemoryDataQuery = { refId: 'A', queryType: 'correlate', groupBy: 'level' };

// @ts-expect-error a jsonData key the settings do not have
const wrongJsonKey: AgentMemoryJsonData = { prometheusURL: 'http://localhost:9090' };

// @ts-expect-error a secureJsonData key the settings do not have
const wrongSecureKey: AgentMemorySecureJsonData = { prometheusPassword: 'secret' };

// @ts-expect-error the config editor changes only keys the settings have
const wrongPatch = jsonPatch('jaegerServce', 'memory-api');

// @ts-expect-error a value of another type than its key's
const wrongValue = jsonPatch('timeoutSeconds', '30');

// @ts-expect-error a per-source key the settings do not have
const wrongSourceKey = sourceKey('prometheus', 'Password');

describe('the contract types and the shared validation agree', () => {
  it('accepts each valid model', () => {
    for (const model of valid) {
      expect(checkQueryModel(model.queryType ?? 'metrics', model).problem).toBeUndefined();
    }
  });

  it('refuses the models that do not compile, naming the field', () => {
    expect(checkQueryModel('traces', tracesWithoutRequired).problem).toMatchObject({
      field: 'traceId',
      incomplete: true,
    });
    expect(checkQueryModel('metrics', metricsWithoutExpr).problem).toMatchObject({ field: 'expr', incomplete: true });
    // Another type's field is not part of the checked model.
    expect(checkQueryModel('metrics', metricsWithLogsField).model).not.toHaveProperty('filters');
    expect(checkQueryModel('correlate', correlateWithGroupBy).model).toEqual({ queryType: 'correlate' });
    expect([wrongJsonKey, wrongSecureKey, wrongPatch, wrongValue, wrongSourceKey]).toHaveLength(5);
    expect(checkQueryModel('correlate', correlateWithNamedQuantile).problem).toMatchObject({
      field: 'quantile',
      incomplete: false,
    });
    // At run time too: a window is the text of a duration, not a number of seconds.
    expect(checkQueryModel('correlate', correlateWithNumericWindow).problem).toMatchObject({ field: 'window' });
  });

  it('names the field and its cap when a field is too long', () => {
    expect(checkQueryModel('logs', { query: 'x'.repeat(8193) }).problem).toEqual({
      field: 'query',
      message: 'query is 8193 characters long; the limit is 8192',
      incomplete: false,
    });
  });
});

describe('the correlate quantile and window', () => {
  const problemOf = (model: Record<string, unknown>) => checkQueryModel('correlate', model).problem;

  it('defaults to none: the backend applies p99 over the whole range', () => {
    expect(checkQueryModel('correlate', { quantile: '', window: '  ' }).model).toEqual({ queryType: 'correlate' });
    expect(LIMITS.defaultCorrelateQuantile).toBe(0.99);
  });

  it('keeps a quantile strictly between 0 and 1, and a trimmed duration of at least a minute', () => {
    expect(checkQueryModel('correlate', { quantile: 0.5, window: ' 1h30m ' }).model).toEqual({
      queryType: 'correlate',
      quantile: 0.5,
      window: '1h30m',
    });
    expect(checkQueryModel('correlate', { quantile: '0.999', window: '60s' }).model).toMatchObject({
      quantile: 0.999,
    });
  });

  it.each([
    [
      { quantile: 0 },
      'quantile',
      'quantile 0 is not a latency quantile: use a number between 0 and 1, such as 0.95 for p95',
    ],
    [
      { quantile: 1 },
      'quantile',
      'quantile 1 is not a latency quantile: use a number between 0 and 1, such as 0.95 for p95',
    ],
    [
      { quantile: 99 },
      'quantile',
      'quantile 99 is not a latency quantile: use a number between 0 and 1, such as 0.95 for p95',
    ],
    [
      { quantile: 'p95' },
      'quantile',
      'quantile "p95" is not a latency quantile: use a number between 0 and 1, such as 0.95 for p95',
    ],
    [
      { window: '5 minutes' },
      'window',
      'window "5 minutes" is not a Prometheus duration such as 5m, 1h or 1h30m; leave it empty for the whole time range',
    ],
    [
      { window: '30s' },
      'window',
      'window "30s" is shorter than 60s, too short for rate() to see several scrapes: use 60s or more',
    ],
    [{ window: 5 }, 'window', 'window must be a string'],
    [{ window: '1'.repeat(33) }, 'window', 'window is 33 characters long; the limit is 32'],
  ])('refuses %p, naming the field and how to fix it', (model, field, message) => {
    expect(problemOf(model)).toEqual({ field, message, incomplete: false });
  });

  it('names a quantile as the latency column does', () => {
    expect([0.5, 0.9, 0.95, 0.99, 0.999].map(quantileName)).toEqual(['p50', 'p90', 'p95', 'p99', 'p99.9']);
  });
});
