/**
 * Property tests: thousands of random and hostile query models thrown at the query parser and at
 * query execution. Whatever comes in, the answer is a parsed query or a QueryModelError (never
 * another exception), and execution always yields a per-query outcome with a status.
 */
import fc from 'fast-check';
import { SourceBreakers } from '../sources/breakers';
import { eventsFilter } from '../sources/elasticsearchDsl';
import { executeQuery } from './execute';
import { parseQuery, QueryModelError, QUERY_TYPES } from './parse';

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    '") OR 1=1 --',
    '{{__proto__}}',
    '$__interval',
    '*:*',
    '\u0000',
    'a'.repeat(70_000),
    '\\"}]}',
    'constructor',
    '__proto__'
  )
);
const queryType = fc.oneof(fc.constantFrom(...QUERY_TYPES), hostileString);
const model = fc.oneof(
  fc.anything(),
  fc.record(
    {
      queryType,
      expr: fc.oneof(hostileString, fc.anything()),
      query: fc.oneof(hostileString, fc.anything()),
      filters: fc.oneof(
        fc.dictionary(
          fc.oneof(fc.constantFrom('agent_type', 'operation', 'level'), hostileString),
          fc.oneof(hostileString, fc.array(hostileString), fc.anything())
        ),
        fc.anything()
      ),
      limit: fc.oneof(fc.integer(), fc.double(), hostileString, fc.anything()),
      traceId: fc.oneof(
        hostileString,
        fc.string({ unit: fc.constantFrom(...'0123456789abcdef'.split('')), minLength: 1, maxLength: 40 })
      ),
      service: hostileString,
      tags: fc.oneof(fc.dictionary(hostileString, hostileString), fc.anything()),
      minStep: fc.oneof(hostileString, fc.anything()),
      groupBy: fc.oneof(hostileString, fc.anything()),
      sort: fc.oneof(hostileString, fc.anything()),
    },
    { requiredKeys: [] }
  )
);
const message = fc.record({
  refId: fc.string(),
  queryType: fc.oneof(fc.constant(''), queryType),
  json: fc.oneof(
    model.map((m) => Buffer.from(JSON.stringify(m) ?? 'null')),
    fc.uint8Array().map((b) => Buffer.from(b))
  ),
  intervalMS: fc.oneof(fc.constant('15000'), hostileString),
  maxDataPoints: fc.oneof(fc.constant('1000'), hostileString),
  timeRange: fc.oneof(
    fc.record({ fromEpochMS: fc.integer().map(String), toEpochMS: fc.integer().map(String) }),
    fc.constant({ fromEpochMS: '0', toEpochMS: String(10 * 365 * 86_400_000) }),
    fc.anything()
  ),
});

describe('query parsing under random and hostile models', () => {
  it('returns a query or a QueryModelError, nothing else', () => {
    fc.assert(
      fc.property(message, (m) => {
        try {
          const q = parseQuery(m as any);
          expect(QUERY_TYPES).toContain(q.queryType);
        } catch (error) {
          expect(error).toBeInstanceOf(QueryModelError);
        }
      }),
      { numRuns: 5000 }
    );
  });

  it('always yields an outcome with a status, never an exception, when executed', async () => {
    const breakers = new SourceBreakers();
    await fc.assert(
      fc.asyncProperty(message, async (m) => {
        // No source configured: every valid query ends in a "not configured" error, at once.
        const outcome = await executeQuery(m as any, {
          settings: { uid: 'x', name: 'x', scrapeIntervalSec: 15 },
          breakers,
        });
        if (outcome.queryType === 'correlate' && outcome.status === 200) {
          // The correlated view answers with the parts it has, and a notice per missing source.
          const notices = (outcome.frames[0].meta?.notices ?? []).map((n) => n.text).join(' ');
          expect(notices).toMatch(/No Prometheus URL is configured/);
          expect(notices).toMatch(/No Elasticsearch URL is configured/);
          return;
        }
        expect(outcome.status).toBe(400);
        expect(outcome.errorSource).toBe('plugin');
        expect(outcome.error).toMatch(
          /^(Invalid query: .+|No (Prometheus|Elasticsearch|Jaeger) URL is configured: set it in the data source settings)$/s
        );
      }),
      { numRuns: 2000 }
    );
    breakers.shutdown();
  });

  it('puts hostile filter values into term clauses verbatim (an empty value means no filter)', () => {
    fc.assert(
      fc.property(
        hostileString.filter((v) => v !== ''),
        (value) => {
          const filter = eventsFilter({ from: 0, to: 1 }, undefined, { agent_type: [value] }) as any;
          expect(filter.bool.filter[1]).toEqual({ term: { agent_type: value } });
        }
      ),
      { numRuns: 1000 }
    );
  });
});
