import { countSearchBody, eventsFilter, indexPatternProblem, logsSearchBody } from './elasticsearchDsl';

const range = { from: 1000, to: 2000 };

describe('Elasticsearch DSL for AI events', () => {
  it('puts filter values into term/terms clauses as data, never into query text', () => {
    const hostile = 'coding") OR (*:*';
    const filter = eventsFilter(range, undefined, { agent_type: [hostile], level: ['ERROR', 'WARN'] }) as any;
    expect(filter.bool.filter).toEqual([
      { range: { '@timestamp': { gte: 1000, lte: 2000, format: 'epoch_millis' } } },
      { term: { agent_type: hostile } },
      { terms: { level: ['ERROR', 'WARN'] } },
    ]);
  });

  it('adds the user query as query_string, and skips empty or match-all text', () => {
    expect((eventsFilter(range, 'error_type:TimeoutError', {}) as any).bool.filter[1]).toEqual({
      query_string: { query: 'error_type:TimeoutError', default_field: 'message', analyze_wildcard: true },
    });
    expect((eventsFilter(range, ' * ', {}) as any).bool.filter).toHaveLength(1);
  });

  it('sorts and limits log searches', () => {
    expect(logsSearchBody(range, undefined, {}, 'asc', 10)).toMatchObject({
      size: 10,
      sort: [{ '@timestamp': { order: 'asc' } }],
    });
  });

  it('counts over time, grouped by a field, with empty buckets kept', () => {
    const body = countSearchBody(range, undefined, {}, 'error_type', 60_000) as any;
    expect(body.aggs.groups.terms.field).toBe('error_type');
    expect(body.aggs.groups.aggs.over_time.date_histogram).toMatchObject({
      fixed_interval: '60000ms',
      min_doc_count: 0,
      extended_bounds: { min: 1000, max: 2000 },
    });
    expect(
      (countSearchBody(range, undefined, {}, undefined, 10) as any).aggs.over_time.date_histogram.fixed_interval
    ).toBe('1000ms');
  });
});

describe('Elasticsearch index patterns', () => {
  it.each([
    'ai-events-*',
    'ai-events-2026.01.*',
    'ai-*,logs-agent',
    'ai-*,-ai-secret-*',
    'remote:ai-events-*',
    'Alias',
    // A data stream, by its name or a pattern (the SDK's ai-events-stream is inside ai-events-*).
    'ai-events-stream',
    'ai-events-stream,ai-events-2026.*',
  ])('accepts %p', (pattern) => {
    expect(indexPatternProblem(pattern)).toBeUndefined();
  });

  it.each([
    ['.security', 'starting with "."'],
    ['ai-*,.kibana', 'the part ".kibana" starting with "."'],
    ['.*', 'starting with "."'],
    ['_all', 'names _all'],
    ['ai-*,_all', 'names _all'],
    ['_cluster', 'starting with "_"'],
    ['..', 'the part "..", which is a path segment'],
    ['.', 'the part ".", which is a path segment'],
    ['ai-*,..', 'the part "..", which is a path segment'],
    ['remote:.security', 'starting with "."'],
    ['remote:_all', 'names _all'],
    ['*', 'starting with "*"'],
    ['-ai', 'starting with "-"'],
    ['ai-*,--ai', 'starting with "-"'],
    ['+ai', 'starting with "+"'],
    ['ai-*,', 'an empty part'],
    ['ai-*,,b', 'an empty part'],
    ['remote:', 'an empty part'],
    ['ai events', 'a space or control character'],
    ['ai\tevents', 'a space or control character'],
    ['ai/../_search', 'contains "/"'],
    ['ai?', 'contains "?"'],
    ['ai#x', 'contains "#"'],
    ['.ds-ai-events-stream-*', "a data stream's backing index: search the data stream by its name"],
    ['ai-events-*,.ds-ai-events-stream-2026.12.07-000001', "a data stream's backing index"],
  ])('refuses %p, saying why', (pattern, why) => {
    const problem = indexPatternProblem(pattern);
    expect(problem).toContain(`Elasticsearch index pattern "${pattern}" is not valid`);
    expect(problem).toContain(why);
  });
});
