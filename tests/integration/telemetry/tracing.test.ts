/** Opt-in auto-instrumentation of PostgreSQL and Redis, exported to the real Jaeger. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { eventually, getJson, stackUrl } from '../env';

it('traces pg and redis calls inside an operation span, as its children', async () => {
  const service = `autoinstr-test-${Date.now()}`;
  execFileSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures/autoInstrumented.mts'), service], {
    cwd: path.resolve(__dirname, '../../..'),
    env: process.env,
    stdio: 'inherit',
    timeout: 30_000,
  });
  const trace = await eventually(
    async () => {
      const body = await getJson(
        `${stackUrl('JAEGER_URL')}/api/traces?service=${service}&operation=ai.memory.search&limit=1`
      );
      const t = body.data[0];
      return t && t.spans.length >= 3 ? t : undefined;
    },
    20_000,
    'auto-instrumented spans'
  );
  const root = trace.spans.find((s: any) => s.operationName === 'ai.memory.search');
  const names = trace.spans.map((s: any) => s.operationName);
  expect(names.some((n: string) => n.startsWith('pg.query'))).toBe(true);
  expect(names.some((n: string) => n.startsWith('redis-GET'))).toBe(true);
  const children = trace.spans.filter((s: any) => s.references?.some((r: any) => r.spanID === root.spanID));
  expect(children.length).toBeGreaterThanOrEqual(2);
});
