/**
 * The contract's types are part of what it promises: each `@ts-expect-error` below is a model or
 * settings key that must not compile. If the union or the settings keys loosen, the directive has
 * nothing to suppress and `npm run typecheck` fails (tsc covers src/ through the root tsconfig).
 * At run time, the shared validation refuses the same models.
 */
import {
  checkQueryModel,
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
];

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
  });

  it('names the field and its cap when a field is too long', () => {
    expect(checkQueryModel('logs', { query: 'x'.repeat(8193) }).problem).toEqual({
      field: 'query',
      message: 'query is 8193 characters long; the limit is 8192',
      incomplete: false,
    });
  });
});
