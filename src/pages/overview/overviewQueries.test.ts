import { createDataFrame, FieldType, type DataFrame } from '@grafana/data';
import {
  breakerName,
  breakerSeverity,
  buildModel,
  degradationName,
  degradationSeverity,
  EXPLORE_QUERIES,
  lastValues,
  OVERVIEW_QUERIES,
  QUALITY_MEASURES,
  qualityRule,
  qualitySeverity,
  totals,
  verdict,
  type OverviewFrames,
} from './overviewQueries';
import { dashboardUrl, exploreUrl } from './links';
import { alertExpr } from '../../alerting/prometheus';
import { formatRate, formatSeconds, formatShare } from './format';

const series = (refId: string, labels: Record<string, string>, values: Array<number | null>): DataFrame =>
  createDataFrame({
    refId,
    fields: [
      { name: 'Time', type: FieldType.time, values: values.map((_, i) => 1_000 * i) },
      { name: 'Value', type: FieldType.number, values, labels },
    ],
  });

const none = (): OverviewFrames => ({
  health: [],
  degradation: [],
  breakers: [],
  rate: [],
  errors: [],
  p99: [],
  topErrors: [],
  churn: [],
  emptyAdds: [],
  emptySearches: [],
  similarity: [],
  recallAge: [],
});

describe('the memory quality section', () => {
  it("asks each measure with its alert rule's own expression", () => {
    for (const measure of QUALITY_MEASURES) {
      const rule = qualityRule(measure);
      expect(rule.group).toBe('memory-quality');
      // The Prometheus rule file's expression is this value compared with the threshold.
      expect(alertExpr(rule)).toBe(
        `${OVERVIEW_QUERIES[measure].expr} ${rule.comparison === 'gt' ? '>' : '<'} ${rule.threshold}`
      );
    }
  });

  it("colours a value with its rule's severity on the rule's firing side of the threshold only", () => {
    const churn = qualityRule('churn');
    expect(qualitySeverity('churn', churn.threshold + 0.01)).toBe(churn.severity);
    expect(qualitySeverity('churn', churn.threshold)).toBe('ok');
    const similarity = qualityRule('similarity');
    expect(similarity.comparison).toBe('lt');
    expect(qualitySeverity('similarity', similarity.threshold - 0.01)).toBe('warning');
    expect(qualitySeverity('similarity', 1)).toBe('ok');
    expect(qualitySeverity('recallAge', undefined)).toBe('unknown');
    expect(qualitySeverity('recallAge', NaN)).toBe('unknown');
  });

  it('joins the measures per agent type, keeping the worse of two jobs', () => {
    const frames = none();
    frames.churn = [
      series('churn', { job: 'a', agent_type: 'coding' }, [0.2]),
      series('churn', { job: 'b', agent_type: 'coding' }, [0.6]),
    ];
    frames.similarity = [
      series('similarity', { job: 'a', agent_type: 'coding' }, [0.9]),
      series('similarity', { job: 'b', agent_type: 'coding' }, [0.5]),
      series('similarity', { job: 'a', agent_type: 'support' }, [1.1]),
    ];
    expect(buildModel(frames).quality).toEqual([
      { agentType: 'coding', values: { churn: 0.6, similarity: 0.5 } },
      { agentType: 'support', values: { similarity: 1.1 } },
    ]);
  });
});

describe('the overview model', () => {
  it('reads the last value of each series by its label, skipping trailing gaps', () => {
    expect(lastValues([series('p99', { operation: 'search' }, [0.2, 0.4, null])], 'operation')).toEqual([
      { key: 'search', value: 0.4 },
    ]);
  });

  it('sums counts over the range and ranks error types, largest first', () => {
    const frames = [
      series('t', { error_type: 'A' }, [1, 2]),
      series('t', { error_type: 'B' }, [5, null]),
      series('t', { error_type: 'C' }, [0]),
    ];
    expect(totals(frames, 'error_type')).toEqual([
      { key: 'B', value: 5 },
      { key: 'A', value: 3 },
    ]);
  });

  it('joins services and operations across queries', () => {
    const frames = none();
    frames.health = [series('health', {}, [92])];
    frames.degradation = [
      series('degradation', { service_name: 'neo4j' }, [0]),
      series('degradation', { service_name: 'redis' }, [1]),
    ];
    frames.breakers = [series('breakers', { service_name: 'neo4j' }, [1])];
    frames.rate = [series('rate', { operation: 'search' }, [12.5]), series('rate', { operation: 'add' }, [3])];
    frames.errors = [series('errors', { operation: 'search' }, [0.02])];
    frames.p99 = [series('p99', { operation: 'add' }, [0.75])];
    const model = buildModel(frames);
    expect(model.healthScore).toBe(92);
    expect(model.services).toEqual([
      { service: 'neo4j', degradation: 0, breaker: 1 },
      { service: 'redis', degradation: 1, breaker: -1 },
    ]);
    expect(model.operations).toEqual([
      { operation: 'add', ratePerSecond: 3, p99Seconds: 0.75 },
      { operation: 'search', ratePerSecond: 12.5, errorShare: 0.02 },
    ]);
  });

  it('answers healthy, degraded, unhealthy or unknown', () => {
    const base = { operations: [], topErrors: [], quality: [] };
    expect(verdict({ ...base, services: [] })).toBe('unknown');
    expect(verdict({ ...base, healthScore: 100, services: [{ service: 'a', degradation: 0, breaker: 0 }] })).toBe(
      'healthy'
    );
    expect(verdict({ ...base, healthScore: 100, services: [{ service: 'a', degradation: 0, breaker: 1 }] })).toBe(
      'degraded'
    );
    expect(verdict({ ...base, healthScore: 75, services: [] })).toBe('degraded');
    expect(verdict({ ...base, healthScore: 100, services: [{ service: 'a', degradation: 2, breaker: 0 }] })).toBe(
      'unhealthy'
    );
    expect(verdict({ ...base, healthScore: 40, services: [] })).toBe('unhealthy');
    expect(verdict({ ...base, healthScore: 100, services: [{ service: 'a', degradation: 4, breaker: 0 }] })).toBe(
      'degraded'
    );
  });

  it('grades each state once, for the verdict and the badges alike', () => {
    expect([0, 1, 2, 3, 4, -1].map(degradationSeverity)).toEqual([
      'ok',
      'warning',
      'critical',
      'critical',
      'warning',
      'unknown',
    ]);
    expect([0, 1, 2, -1].map(breakerSeverity)).toEqual(['ok', 'critical', 'warning', 'unknown']);
  });

  it('names the encoded states as the SDK emits them', () => {
    expect([0, 1, 2, 3, 4, -1].map(degradationName)).toEqual([
      'Normal',
      'Reduced',
      'Essential',
      'Read-only',
      'Maintenance',
      'not reported',
    ]);
    expect([0, 1, 2, -1].map(breakerName)).toEqual(['Closed', 'Open', 'Half-open', 'no breaker']);
  });

  it('asks Prometheus with the dashboards’ forms over a fixed window, and Elasticsearch for error events', () => {
    expect(OVERVIEW_QUERIES.p99.expr).toBe(
      'histogram_quantile(0.99, sum by (le, operation) (rate(ai_memory_operation_duration_seconds_bucket[5m])))'
    );
    expect(OVERVIEW_QUERIES.errors.expr).toContain('status="error"');
    expect(
      Object.values(OVERVIEW_QUERIES)
        .filter((q) => q.queryType === 'metrics')
        .every((q) => q.instant)
    ).toBe(true);
    expect(OVERVIEW_QUERIES.topErrors).toMatchObject({ queryType: 'logs_count', groupBy: 'error_type' });
  });
});

describe('the overview links', () => {
  it('open Explore with the row’s own query on the chosen data source', () => {
    const url = exploreUrl('agentmemory', EXPLORE_QUERIES.p99('search'));
    expect(url.startsWith('/explore?')).toBe(true);
    const panes = JSON.parse(new URLSearchParams(url.split('?')[1]).get('panes')!);
    expect(panes.a.datasource).toBe('agentmemory');
    expect(panes.a.queries[0]).toMatchObject({
      refId: 'A',
      datasource: { type: 'memstack-agentmemory-datasource', uid: 'agentmemory' },
      queryType: 'metrics',
      expr: 'histogram_quantile(0.99, sum by (le, operation) (rate(ai_memory_operation_duration_seconds_bucket{operation="search"}[$__rate_interval])))',
    });
  });

  it('open a bundled dashboard by uid with its variables', () => {
    expect(dashboardUrl('ai-agent-ops', { operation: 'search' })).toBe(
      '/d/ai-agent-ops?from=now-1h&to=now&var-operation=search'
    );
  });

  it('format rates, shares and durations for people', () => {
    expect([formatRate(12.34), formatRate(0.5), formatRate(undefined)]).toEqual(['12.3 req/s', '0.500 req/s', '—']);
    expect([formatShare(0.0512), formatShare(0.0004), formatShare(0)]).toEqual(['5.12%', '0.0400%', '0%']);
    expect([formatSeconds(0.25), formatSeconds(0.0042), formatSeconds(1.5)]).toEqual(['250 ms', '4.20 ms', '1.50 s']);
  });
});
