import { expect, test, type Locator, type Page } from '@playwright/test';
import { testIds } from '../../src/components/testIds';
import { queryExamples } from '../../src/datasource/queryExamples';

/**
 * The query help on the harness page (harness.tsx): an example chosen there is inserted into the
 * query and run through the Grafana stand-in and the real backend against the running demo.
 * Asserts on the query sent and its result, not on the editors' fields, so it holds whatever
 * widget edits the PromQL.
 */

type Sent = { url: string; data?: { queries: Array<Record<string, unknown>> }; status?: number };

/** What the page shows of a run's answer (harness.tsx `summary`). */
type Result = {
  errors: string[];
  frames: Array<{ name?: string; length: number; fields: Array<{ name: string; first: unknown }> }>;
};

/** Chooses an example of the open help and returns the query sent for it, once it is answered. */
async function useExample(page: Page, section: Locator, id: string): Promise<Record<string, unknown>> {
  const before = await page.evaluate(() => window.requests.length);
  await section.getByTestId(testIds.datasource.queryHelpExample(id)).getByRole('button', { name: /^Use/ }).click();
  let sent: Sent | undefined;
  await expect
    .poll(
      async () => {
        const all: Sent[] = await page.evaluate(() => window.requests as any);
        sent = all.slice(before).find((r) => r.url.startsWith('/api/ds/query'));
        return sent?.status;
      },
      { timeout: 20_000 }
    )
    .toBe(200);
  return sent!.data!.queries[0];
}

/** The result the page shows once it is an error or the answer `isAnswer` recognises. */
async function shownResult(section: Locator, isAnswer: (result: Result) => boolean): Promise<Result> {
  let result: Result = { errors: [], frames: [] };
  await expect
    .poll(
      async () => {
        const text = await section.locator('.result').textContent();
        result = text ? JSON.parse(text) : { errors: [], frames: [] };
        return result.errors.length > 0 || isAnswer(result);
      },
      { timeout: 20_000 }
    )
    .toBe(true);
  return result;
}

const fieldNames = (frame: Result['frames'][number]) => frame.fields.map((f) => f.name);

test.beforeEach(async ({ page }) => {
  await page.goto('/index.html');
  await expect(page.locator('#live').getByTestId(testIds.datasource.queryType)).toBeVisible();
});

test('examples from the query help run against the demo: p99 by operation, then the latest ERROR events', async ({
  page,
}) => {
  const live = page.locator('#live');
  const help = live.getByTestId(testIds.datasource.queryHelp);
  await expect(help).toBeHidden();
  await live.getByTestId(testIds.datasource.queryHelpToggle).click();
  await expect(help).toBeVisible();

  const p99 = queryExamples('metrics').find((e) => e.id === 'p99-by-operation')!;
  expect(await useExample(page, live, p99.id)).toMatchObject({ refId: 'A', ...p99.query });
  expect(JSON.parse((await live.locator('.query').textContent()) ?? '{}')).toEqual({ refId: 'A', ...p99.query });
  const metrics = await shownResult(live, (r) => r.frames.some((f) => fieldNames(f).includes('Time')));
  expect(metrics.errors).toEqual([]);
  // One series per operation: the example groups by operation.
  expect(metrics.frames.length).toBeGreaterThan(1);
  for (const frame of metrics.frames) {
    expect(frame.length).toBeGreaterThan(0);
    expect(fieldNames(frame)).toContain('Time');
  }

  // The help stays open and follows the query type.
  await live.getByRole('radio', { name: 'Logs' }).click();
  const latestErrors = queryExamples('logs').find((e) => e.id === 'latest-errors')!;
  expect(await useExample(page, live, latestErrors.id)).toMatchObject({ refId: 'A', ...latestErrors.query });
  const logs = await shownResult(live, (r) => r.frames.some((f) => fieldNames(f).includes('severity')));
  expect(logs.errors).toEqual([]);
  expect(logs.frames[0].length).toBeGreaterThan(0);
  const labels = logs.frames[0].fields.find((f) => f.name === 'labels')?.first;
  expect(labels).toMatchObject({ level: 'ERROR' });
});

test('the trace examples search the Jaeger service the data source’s settings name', async ({ page }) => {
  const live = page.locator('#live');
  await live.getByRole('radio', { name: 'Traces' }).click();
  await live.getByTestId(testIds.datasource.queryHelpToggle).click();
  const searches = queryExamples('traces', { jaegerService: 'agentmemory-demo' }).find(
    (e) => e.id === 'search-traces'
  )!;
  await expect(live.getByTestId(testIds.datasource.queryHelpExample(searches.id))).toContainText('agentmemory-demo');
  expect(await useExample(page, live, searches.id)).toMatchObject({ refId: 'A', service: 'agentmemory-demo' });
  const traces = await shownResult(live, (r) => r.frames.some((f) => f.length > 0));
  expect(traces.errors).toEqual([]);
});
