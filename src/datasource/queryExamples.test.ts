import { checkQueryModel, QUERY_TYPES, type QueryType } from '../../contract';
import { lintPromQL, type Violation } from '../promql/lint';
import { applyExample, examplePreview, queryExamples, type ExampleOf, type QueryExample } from './queryExamples';

const WITH_SERVICE = { jaegerService: 'agentmemory-demo' };

/** Every example with its query type and title, as rows of it.each. */
const allExamples = (settings = WITH_SERVICE): Array<[QueryType, string, QueryExample]> =>
  QUERY_TYPES.flatMap((queryType) =>
    queryExamples(queryType, settings).map((e): [QueryType, string, QueryExample] => [queryType, e.title, e])
  );

/** The dashboards' PromQL rules over one metrics example. */
function promqlViolations(example: ExampleOf<'metrics'>): Violation[] {
  const found: Violation[] = [];
  lintPromQL(example.query.expr, example.title, (rule, where, message) => found.push({ rule, where, message }), {
    selectorOnly: false,
    instant: example.query.instant === true,
  });
  return found;
}

const metricsExamples = () => queryExamples('metrics');

describe('queryExamples', () => {
  it('offers examples for every query type, each of its own type with a title and a one-line description', () => {
    for (const queryType of QUERY_TYPES) {
      const examples = queryExamples(queryType, WITH_SERVICE);
      expect(examples.length).toBeGreaterThan(0);
      for (const { title, description, query } of examples) {
        expect(title).not.toBe('');
        expect(description).not.toMatch(/^\s*$|\n/);
        expect(query.queryType ?? 'metrics').toBe(queryType);
      }
    }
  });

  it('gives every example its own id', () => {
    const ids = allExamples().map(([, , example]) => example.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(allExamples())('%s example "%s" is a query the backend accepts', (queryType, _, example) => {
    expect(checkQueryModel(queryType, example.query).problem).toBeUndefined();
  });

  it.each(metricsExamples().map((e) => [e.title, e] as const))(
    'metrics example "%s" passes the dashboard PromQL lint',
    (_, e) => {
      expect(promqlViolations(e)).toEqual([]);
    }
  );

  it('lints for real: a rate over a fixed window is a violation', () => {
    const fixedWindow = { ...metricsExamples()[1], query: { expr: 'rate(ai_memory_operations_total[5m])' } };
    expect(promqlViolations(fixedWindow).map((v) => v.rule)).toContain('target-rate-interval-rule');
  });

  it('reads rates over $__rate_interval', () => {
    const rated = metricsExamples().filter((e) => /\brate\(/.test(e.query.expr));
    expect(rated.length).toBeGreaterThan(0);
    for (const e of rated) {
      expect(e.query.expr).toContain('[$__rate_interval]');
    }
  });

  it('names each series by a label the expression groups by', () => {
    for (const { query } of metricsExamples()) {
      const grouped = [...query.expr.matchAll(/\bby \(([^)]*)\)/g)].flatMap((m) => m[1].split(', '));
      for (const [, label] of (query.legendFormat ?? '').matchAll(/\{\{(\w+)\}\}/g)) {
        expect(grouped).toContain(label);
      }
    }
  });

  it('offers the p99 by operation, error share and cache hit ratio by layer', () => {
    const exprs = metricsExamples().map((e) => e.query.expr);
    expect(exprs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^histogram_quantile\(0\.99, sum by \(le, operation\)/),
        expect.stringContaining('status="error"'),
        expect.stringMatching(/ai_cache_hit_ratio_sum.* by \(cache_layer\)|by \(cache_layer\).*ai_cache_hit_ratio_sum/),
      ])
    );
  });

  it('searches the traces of the settings’ Jaeger service', () => {
    for (const { query } of queryExamples('traces', WITH_SERVICE)) {
      expect(query).toMatchObject({ service: 'agentmemory-demo' });
    }
  });

  it('leaves the service to the user when the settings name none: the example is incomplete, not wrong', () => {
    for (const { query, description } of queryExamples('traces', {})) {
      expect(description).toContain('pick one');
      const problem = checkQueryModel('traces', query).problem;
      expect(problem).toMatchObject({ incomplete: true });
      // With a service picked, nothing else is missing.
      expect(checkQueryModel('traces', { ...query, service: 'any' }).problem).toBeUndefined();
    }
  });
});

describe('applyExample', () => {
  const [latestErrors] = queryExamples('logs');

  it('replaces the model and keeps the query’s DataQuery fields', () => {
    const current = {
      refId: 'B',
      hide: false,
      datasource: { type: 'memstack-agentmemory-datasource', uid: 'ds' },
      queryType: 'metrics' as const,
      expr: 'up',
      legendFormat: '{{job}}',
    };
    expect(applyExample(current, latestErrors)).toEqual({
      refId: 'B',
      hide: false,
      datasource: { type: 'memstack-agentmemory-datasource', uid: 'ds' },
      ...latestErrors.query,
    });
  });

  it('drops the fields of the current model the example does not set', () => {
    const applied = applyExample({ refId: 'A', queryType: 'logs', query: 'level:INFO', limit: 5 }, latestErrors);
    expect(applied).not.toHaveProperty('query');
    expect(applied).toMatchObject({ refId: 'A', limit: latestErrors.query.limit });
    expect(Object.values(applied)).not.toContain(undefined);
  });
});

describe('examplePreview', () => {
  it('shows the PromQL of a metrics example and the fields of the others', () => {
    const [p99] = metricsExamples();
    expect(examplePreview(p99)).toBe(p99.query.expr);
    expect(examplePreview({ query: { queryType: 'logs_count', groupBy: 'error_type' } })).toBe(
      '{"groupBy":"error_type"}'
    );
  });
});
