import fc from 'fast-check';
import { dailyIndex, enrichEvent, extractError, performanceClass } from './enrich.js';

const now = new Date('2026-11-25T10:00:00.000Z');

describe('event enrichment (the guide Logstash pipeline, in the SDK)', () => {
  it('splits agent_id into agent_type and user_id', () => {
    expect(enrichEvent({ agent_id: ['coding', 'u-ada'] }, { now })).toMatchObject({
      agent_id: 'coding:u-ada',
      agent_type: 'coding',
      user_id: 'u-ada',
    });
    expect(enrichEvent({ agent_id: 'research/u-grace' }, { now })).toMatchObject({
      agent_type: 'research',
      user_id: 'u-grace',
    });
    expect(enrichEvent({ agent_id: 'plain', agent_type: 'kept' }, { now })).toMatchObject({ agent_type: 'kept' });
    expect(enrichEvent({ agent_id: 'plain' }, { now }).user_id).toBeUndefined();
  });

  it('derives duration_ms from start and end times and classifies performance', () => {
    const start = Date.UTC(2026, 10, 25, 10) / 1000;
    const e = enrichEvent({ start_time: start, end_time: start + 0.075 }, { now });
    expect(e.duration_ms).toBeCloseTo(75);
    expect(e.performance_class).toBe('good');
    expect(e.start_time).toBe('2026-11-25T10:00:00.000Z');
    expect([50, 50.1, 100, 200, 200.1].map(performanceClass)).toEqual([
      'excellent',
      'good',
      'good',
      'acceptable',
      'poor',
    ]);
  });

  it('extracts error type and message from ERROR events only, and flags them', () => {
    const error = enrichEvent(
      { level: 'ERROR', message: 'search failed: ConnectionError: redis did not answer' },
      { now }
    );
    expect(error).toMatchObject({
      error_type: 'ConnectionError',
      error_message: 'redis did not answer',
      error_category: 'ConnectionError',
      requires_attention: true,
    });
    expect(
      enrichEvent({ level: 'INFO', message: 'ValueError: not an error event' }, { now }).error_type
    ).toBeUndefined();
    expect(enrichEvent({ level: 'ERROR', message: 'no type here' }, { now }).requires_attention).toBeUndefined();
  });

  it('adds query patterns, trace ids and a timestamp', () => {
    const e = enrichEvent({ query: 'how to fix the timeout error' }, { now, traceId: 'abc', spanId: 'def' });
    expect(e).toMatchObject({
      '@timestamp': '2026-11-25T10:00:00.000Z',
      query_patterns: ['debugging', 'exploration', 'problem_solving'],
      trace_id: 'abc',
      span_id: 'def',
    });
  });

  it('keeps an event timestamp within the window and stamps one outside it now (one index per day of a caller\'s choosing otherwise)', () => {
    const at = (iso: string) => enrichEvent({ '@timestamp': iso }, { now })['@timestamp'];
    expect(at('2026-11-24T10:00:00.000Z')).toBe('2026-11-24T10:00:00.000Z');
    expect(at('2026-11-25T10:04:00.000Z')).toBe('2026-11-25T10:04:00.000Z');
    expect(at('3026-01-01T00:00:00.000Z')).toBe(now.toISOString());
    expect(at('1970-01-01T00:00:00.000Z')).toBe(now.toISOString());
    expect(at('not a date')).toBe(now.toISOString());
  });

  it('names daily indices by UTC date', () => {
    expect(dailyIndex('ai-events', '2026-11-25T23:59:59.999Z')).toBe('ai-events-2026.11.25');
    expect(dailyIndex('ai-events', '2026-01-02T00:00:00+02:00')).toBe('ai-events-2026.01.01');
  });
});

describe('extractError', () => {
  // The guide's grok pattern, kept here only as the oracle: on short texts its backtracking is harmless.
  const guidePattern = /(?<type>[A-Za-z]+Error): (?<message>.*)/s;

  it('finds what the guide’s pattern finds, on any text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('Error: ', 'Error', 'Timeout', ': ', 'x', ' ', '\n', 'é', 'E', 'rror: ', '7'), {
          maxLength: 12,
        }),
        (parts) => {
          const text = parts.join('');
          const m = guidePattern.exec(text);
          expect(extractError(text)).toEqual(
            m?.groups ? { type: m.groups.type, message: m.groups.message } : undefined
          );
        }
      ),
      { numRuns: 2000 }
    );
  });

  it('reads the type before the first "Error: " that has letters in front of it', () => {
    expect(extractError('search failed: ConnectionError: redis did not answer')).toEqual({
      type: 'ConnectionError',
      message: 'redis did not answer',
    });
    expect(extractError(' Error: x then TypeError: y')).toEqual({ type: 'TypeError', message: 'y' });
    expect(extractError('no error here')).toBeUndefined();
  });
});
