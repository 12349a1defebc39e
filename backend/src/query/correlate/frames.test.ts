import { correlatePromQL, correlationFrame, latencyFieldName } from './frames';
import type { CorrelateQuery } from './parse';

const self = { uid: 'agentmemory', name: 'Agent Memory' };
const query: CorrelateQuery = {
  refId: 'A',
  intervalMs: 1000,
  maxDataPoints: 100,
  range: { from: 0, to: 600_000 },
  notices: [],
  queryType: 'correlate',
  quantile: 0.99,
  rateWindowSeconds: 600,
};

type Link = { title: string; internal?: { datasourceUid: string; query: Record<string, unknown> } };
const linksOf = (frame: ReturnType<typeof correlationFrame>) => (frame.fields[0].config?.links ?? []) as Link[];

describe('correlated view', () => {
  it('joins the three sources by operation', () => {
    const frame = correlationFrame(
      query,
      {
        latencySeconds: new Map([['search', 0.12]]),
        errorRate: new Map([
          ['search', 0.01],
          ['add', Number.NaN],
        ]),
        topErrors: new Map([['search', [{ type: 'TimeoutError', count: 3 }]]]),
        slowestTraces: new Map([['search', ['t9', 't8']]]),
        failures: [],
      },
      self,
      'memory-api'
    );
    expect(frame.fields.map((f) => f.name)).toEqual([
      'operation',
      'p99 latency',
      'error rate',
      'top errors',
      'slowest traces',
    ]);
    expect(frame.fields.map((f) => f.values)).toEqual([
      ['add', 'search'],
      [null, 0.12],
      [null, 0.01],
      ['', 'TimeoutError (3)'],
      ['', 't9, t8'],
    ]);
  });

  it('keeps the parts it has and names the failed source in a notice', () => {
    const frame = correlationFrame(
      query,
      { latencySeconds: new Map([['add', 0.05]]), failures: ['Elasticsearch at http://es:9200 is unreachable'] },
      self,
      undefined
    );
    expect(frame.fields[3].values).toEqual([null]);
    expect(frame.meta?.notices).toEqual([
      { severity: 'warning', text: 'Elasticsearch at http://es:9200 is unreachable' },
    ]);
  });

  it('names the latency column after its quantile, p99 by default as before', () => {
    expect(latencyFieldName(0.99)).toBe('p99 latency');
    expect(latencyFieldName(0.95)).toBe('p95 latency');
    expect(latencyFieldName(0.5)).toBe('p50 latency');
    expect(latencyFieldName(0.999)).toBe('p99.9 latency');
    const frame = correlationFrame({ ...query, quantile: 0.5 }, { failures: [] }, self, undefined);
    expect(frame.fields[1].name).toBe('p50 latency');
  });
});

describe('correlate PromQL', () => {
  it('takes the quantile and the rate window of the query', () => {
    expect(correlatePromQL({ quantile: 0.95, rateWindowSeconds: 300 })).toEqual({
      latency:
        'histogram_quantile(0.95, sum by (le, operation) (rate(ai_memory_operation_duration_seconds_bucket[300s])))',
      errorRate:
        '(sum by (operation) (rate(ai_memory_operations_total{status="error"}[300s])) or sum by (operation) (rate(ai_memory_operations_total[300s])) * 0) / sum by (operation) (rate(ai_memory_operations_total[300s]))',
    });
  });

  it('never rates over less than a minute, and rounds to whole seconds', () => {
    expect(correlatePromQL({ quantile: 0.99, rateWindowSeconds: 10 }).latency).toContain('[60s]');
    expect(correlatePromQL({ quantile: 0.99, rateWindowSeconds: 3600.4 }).latency).toContain('[3600s]');
  });

  it("selects one operation for a row's metrics links", () => {
    const { latency, errorRate } = correlatePromQL(query, 'search');
    expect(latency).toContain('ai_memory_operation_duration_seconds_bucket{operation="search"}[600s]');
    expect(errorRate).toContain('ai_memory_operations_total{operation="search", status="error"}[600s]');
    expect(errorRate).toContain('rate(ai_memory_operations_total{operation="search"}[600s])');
  });
});

describe("a row's links", () => {
  it('open its logs, traces, latency and error rate in Explore, through this data source', () => {
    const links = linksOf(correlationFrame({ ...query, quantile: 0.95 }, { failures: [] }, self, 'memory-api'));
    expect(links.map((l) => l.title)).toEqual([
      'Logs of this operation',
      'Traces of this operation',
      'p95 latency of this operation (PromQL)',
      'Error rate of this operation (PromQL)',
    ]);
    // Internal links: Grafana opens them in Explore of the current organisation.
    expect(links.every((l) => l.internal?.datasourceUid === 'agentmemory')).toBe(true);
    expect(links.map((l) => l.internal?.query.queryType)).toEqual(['logs', 'traces', 'metrics', 'metrics']);
  });

  it("carry the row's PromQL, for the clicked operation, as an instant query like the row's numbers", () => {
    const links = linksOf(correlationFrame({ ...query, quantile: 0.95 }, { failures: [] }, self, 'memory-api'));
    const promQL = correlatePromQL({ ...query, quantile: 0.95 }, '${__value.raw}');
    expect(links[2].internal?.query).toEqual({
      queryType: 'metrics',
      expr: promQL.latency,
      legendFormat: 'p95 {{operation}}',
      instant: true,
    });
    expect(links[3].internal?.query).toMatchObject({ expr: promQL.errorRate, instant: true });
  });

  it('leave out the traces link when there is no service to search', () => {
    const links = linksOf(correlationFrame(query, { failures: [] }, self, undefined));
    expect(links.map((l) => l.internal?.query.queryType)).toEqual(['logs', 'metrics', 'metrics']);
  });
});
