import { parseDurationSeconds, parseQuery, QueryModelError } from './parse';

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
      notices: [],
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
    expect(parseDurationSeconds('1.5')).toBe(1.5);
    expect(parseDurationSeconds('1h2m3s4ms')).toBe(3723.004);
    expect(parseDurationSeconds('1.5s')).toBeUndefined();
    expect(parseDurationSeconds('0s')).toBeUndefined();
    expect(parseDurationSeconds('15s ')).toBe(15);
    expect(parseDurationSeconds('1'.repeat(65))).toBeUndefined();
    expect(parseDurationSeconds('constructor')).toBeUndefined();
    expect(parseDurationSeconds('1toString')).toBeUndefined();
  });
});

describe('logs, traces and correlate models', () => {
  it('parses logs with filters, sort and a capped limit that leaves a notice', () => {
    const q = parseQuery(
      withJson({
        queryType: 'logs',
        query: 'error',
        filters: { agent_type: 'coding', level: ['ERROR'] },
        limit: 999_999,
      })
    );
    expect(q).toMatchObject({
      queryType: 'logs',
      sort: 'desc',
      limit: 5000,
      filters: { agent_type: ['coding'], level: ['ERROR'] },
    });
    expect(q.notices[0]).toContain('capped to 5000');
  });

  it("reads one memory's history and the most-changed memories (memory_change events)", () => {
    const history = parseQuery(
      withJson({ queryType: 'logs', filters: { event_type: ['memory_change'], memory_id: ['h:0123abcd'] } })
    );
    expect(history).toMatchObject({ filters: { event_type: ['memory_change'], memory_id: ['h:0123abcd'] } });
    const counts = parseQuery(
      withJson({ queryType: 'logs_count', groupBy: 'memory_id', filters: { memory_action: ['update', 'delete'] } })
    );
    expect(counts).toMatchObject({ groupBy: 'memory_id', filters: { memory_action: ['update', 'delete'] } });
  });

  it('cuts search ranges longer than 31 days to their end, with a notice', () => {
    const year = { timeRange: { fromEpochMS: '0', toEpochMS: String(365 * 86_400_000) } };
    const q = parseQuery(withJson({ queryType: 'logs' }, year));
    expect(q.range.to - q.range.from).toBe(31 * 86_400_000);
    expect(q.notices.join()).toContain('31 days');
  });

  it.each([
    [{ queryType: 'logs', filters: { secret_field: 'x' } }, 'unknown filter "secret_field"'],
    [{ queryType: 'logs', filters: ['x'] }, 'filters must be an object'],
    [{ queryType: 'logs', sort: 'sideways' }, 'sort must be'],
    [{ queryType: 'logs', limit: -1 }, 'at least 1'],
    [{ queryType: 'logs_count', groupBy: 'message' }, 'not an event field'],
    [{ queryType: 'traces' }, 'needs a traceId, or a service'],
    [{ queryType: 'traces', traceId: 'zz-not-hex' }, 'is not a trace id'],
    [{ queryType: 'traces', service: 's', tags: { a: 1 } }, 'tags must be an object of strings'],
    [{ queryType: 'traces', service: 's', minDuration: 'long' }, 'is not a duration'],
  ])('rejects %p', (json, message) => {
    expect(() => parseQuery(withJson(json))).toThrow(message);
  });

  const long = (n: number) => 'x'.repeat(n);
  it.each([
    [{ expr: 'up', legendFormat: long(1025) }, 'legendFormat is 1025 characters long; the limit is 1024'],
    [{ expr: long(65_537) }, 'expr is 65537 characters long; the limit is 65536'],
    [{ expr: 'up', minStep: long(33) }, 'minStep is 33 characters long; the limit is 32'],
    [{ queryType: 'logs', query: long(8193) }, 'query is 8193 characters long; the limit is 8192'],
    [
      { queryType: 'logs', filters: { agent_type: [long(257)] } },
      'a value of filters.agent_type is 257 characters long; the limit is 256',
    ],
    [
      { queryType: 'logs', filters: { agent_type: Array(101).fill('a') } },
      'filters.agent_type has 101 values; the limit is 100',
    ],
    [{ queryType: 'traces', service: long(257) }, 'service is 257 characters long; the limit is 256'],
    [{ queryType: 'traces', service: 's', operation: long(257) }, 'operation is 257 characters long; the limit is 256'],
    [
      { queryType: 'traces', service: 's', tags: { [long(257)]: 'v' } },
      'a key of tags is 257 characters long; the limit is 256',
    ],
    [
      { queryType: 'traces', service: 's', tags: { k: long(1025) } },
      'a value of tags is 1025 characters long; the limit is 1024',
    ],
    [
      {
        queryType: 'traces',
        service: 's',
        tags: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v'])),
      },
      'tags has 33 entries; the limit is 32',
    ],
    [{ queryType: 'traces', traceId: long(65) }, 'traceId is 65 characters long; the limit is 64'],
    [{ queryType: 'correlate', service: long(257) }, 'service is 257 characters long; the limit is 256'],
  ])('refuses an over-long field, naming it and its cap: %#', (json, message) => {
    expect(() => parseQuery(withJson(json))).toThrow(message);
  });

  it('refuses an over-long refId, naming it and its cap', () => {
    expect(() => parseQuery(withJson({ expr: 'up' }, { refId: long(257) }))).toThrow(
      'refId is 257 characters long; the limit is 256'
    );
  });

  it('parses trace searches and trace ids', () => {
    expect(
      parseQuery(
        withJson({
          queryType: 'traces',
          service: 'memory-api',
          tags: { 'ai.operation': 'search' },
          minDuration: '10ms',
        })
      )
    ).toMatchObject({
      queryType: 'traces',
      service: 'memory-api',
      limit: 20,
    });
    expect(parseQuery(withJson({ queryType: 'traces', traceId: 'ABCDEF0123' }))).toMatchObject({
      traceId: 'ABCDEF0123',
    });
    expect(parseQuery(withJson({ queryType: 'correlate', service: 'memory-api' }))).toMatchObject({
      queryType: 'correlate',
      service: 'memory-api',
    });
  });

  it.each([
    [{ queryType: 'traces', service: '..' }, 'the Jaeger service ".." is only dots'],
    [{ queryType: 'traces', service: '.' }, 'the Jaeger service "." is only dots'],
    [{ queryType: 'traces', service: 'memory-api', operation: '..' }, 'the Jaeger operation ".." is only dots'],
    [{ queryType: 'correlate', service: '...' }, 'the Jaeger service "..." is only dots'],
  ])('refuses %p: a dot-only name would be resolved away in a Jaeger API path', (json, message) => {
    expect(() => parseQuery(withJson(json))).toThrow(QueryModelError);
    expect(() => parseQuery(withJson(json))).toThrow(message);
  });

  it('keeps names that merely contain dots', () => {
    expect(
      parseQuery(withJson({ queryType: 'traces', service: '..memory.api', operation: 'ai.memory.search' }))
    ).toMatchObject({ service: '..memory.api', operation: 'ai.memory.search' });
  });
});
