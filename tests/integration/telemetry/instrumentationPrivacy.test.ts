/**
 * The opt-in Redis instrumentation applies the privacy policy (issue 20): commands against the
 * real Redis of the stack on keys that carry a user id, and no exported span carries the id.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { stackUrl } from '../env';

interface ExportedSpan {
  name: string;
  attributes: Record<string, unknown>;
  events: Array<{ name: string; attributes?: Record<string, unknown> }>;
}

function exportedText(span: ExportedSpan): string[] {
  const values = (attributes: Record<string, unknown> | undefined) =>
    Object.values(attributes ?? {}).flatMap((v) => (Array.isArray(v) ? v.map(String) : [String(v)]));
  return [span.name, ...values(span.attributes), ...span.events.flatMap((e) => [e.name, ...values(e.attributes)])];
}

it('records Redis commands by name and argument count, never the keys that carry a user id', () => {
  const userId = `alice${Date.now()}`;
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, 'fixtures/redisPrivacy.mts'), userId],
    {
      cwd: path.resolve(__dirname, '../../..'),
      // stackUrl throws when the stack's Redis is not set: this test fails, it never skips.
      env: { ...process.env, REDIS_URL: stackUrl('REDIS_URL') },
      encoding: 'utf8',
      timeout: 30_000,
    }
  );
  const spans: ExportedSpan[] = JSON.parse(out);
  const statements = spans.map((s) => s.attributes['db.query.text']).filter((t) => t !== undefined);
  // The instrumentation ran, and kept what is useful: the command and its shape.
  expect(statements).toEqual([
    'GET [1 argument]',
    'SET [4 arguments]',
    'SADD [2 arguments]',
    'EXPIRE [2 arguments]',
    'SMEMBERS [1 argument]',
    'DEL [2 arguments]',
  ]);
  expect(spans.map((s) => s.name)).toEqual(expect.arrayContaining(['redis-GET', 'redis-SET', 'redis-DEL']));
  const leaks = spans.flatMap((span) => exportedText(span).filter((text) => text.includes(userId)));
  expect(leaks).toEqual([]);
});
