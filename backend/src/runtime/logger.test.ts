import { createLogger, formatLogLine, formatMicroTimestamp } from './logger';

describe('hclog JSON logger', () => {
  it('formats timestamps with exactly six fractional digits (Go .000000)', () => {
    expect(formatMicroTimestamp(Date.UTC(2026, 10, 25, 2, 30, 0, 123) * 1000 + 456)).toBe(
      '2026-11-25T02:30:00.123456Z'
    );
    expect(formatMicroTimestamp(Date.UTC(2026, 0, 1) * 1000)).toBe('2026-01-01T00:00:00.000000Z');
  });

  it('writes one JSON line with @level, @message and fields; fields cannot overwrite @ keys', () => {
    const line = formatLogLine('warn', 'query failed', { refId: 'A', '@level': 'trace', error: new Error('boom') }, 0);
    expect(JSON.parse(line)).toEqual({
      refId: 'A',
      error: 'boom',
      '@level': 'warn',
      '@message': 'query failed',
      '@timestamp': '1970-01-01T00:00:00.000000Z',
      '@module': 'agentmemory',
    });
    expect(line).not.toContain('\n');
  });

  it('sends every level to the writer it was given', () => {
    const lines: string[] = [];
    const logger = createLogger((l) => lines.push(l));
    logger.error('x');
    logger.debug('y');
    expect(lines.map((l) => JSON.parse(l)['@level'])).toEqual(['error', 'debug']);
  });
});
