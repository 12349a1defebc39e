import { expect, test, type Page } from '@playwright/test';
import { testIds } from '../../src/components/testIds';

// The Lucene field of the logs editors and the traces editor's checks, in the harness page,
// through the Grafana stand-in and the real backend against the running demo.

async function queriesSent(page: Page): Promise<Array<{ status?: number; query: Record<string, unknown> }>> {
  const all = await page.evaluate(() => window.requests as Array<{ url: string; status?: number; data?: any }>);
  return all
    .filter((r) => r.url.startsWith('/api/ds/query'))
    .map((r) => ({ status: r.status, query: r.data?.queries?.[0] ?? {} }));
}

/** The option Enter would accept (the list is open and has answered). */
const selectedCompletion = (page: Page) =>
  page.locator('.cm-tooltip-autocomplete li[aria-selected] .cm-completionLabel');

/**
 * Accepts the selected option with Enter. CodeMirror ignores Enter for 75 ms after the list
 * appears or changes (autocompletion's `interactionDelay`, so a list that pops up under a
 * keystroke is not accepted by accident); a person reads the list first.
 */
async function accept(page: Page) {
  await page.waitForTimeout(150);
  await page.keyboard.press('Enter');
}

test.beforeEach(async ({ page }) => {
  await page.goto('/index.html');
  await page.locator('#live').getByRole('radio', { name: 'Logs' }).click();
  await expect(page.locator('#live').getByTestId(testIds.datasource.logsQuery).locator('.cm-content')).toBeVisible();
});

test('the Lucene field completes event fields, then the field’s values from Elasticsearch; Enter runs', async ({
  page,
}) => {
  const live = page.locator('#live');
  const lucene = live.getByTestId(testIds.datasource.logsQuery).locator('.cm-content');
  await lucene.click();
  await page.keyboard.type('agent_t');
  await expect(selectedCompletion(page)).toHaveText('agent_type', { timeout: 10_000 });
  await accept(page);
  await expect(lucene).toHaveText('agent_type:');
  // The values of agent_type the demo's events have, through the field-values resource.
  await page.keyboard.type('c');
  await expect(selectedCompletion(page)).toHaveText('coding', { timeout: 10_000 });
  await accept(page);
  await expect(lucene).toHaveText('agent_type:coding');
  const resource = (await page.evaluate(() => window.requests)).find((r) => r.url.includes('field-values'));
  expect(resource?.url).toContain('field=agent_type');
  expect(resource?.status).toBe(200);
  await page.keyboard.press('Enter');
  await expect
    .poll(async () => (await queriesSent(page)).at(-1)?.query.query, { timeout: 10_000 })
    .toBe('agent_type:coding');
  await expect.poll(async () => (await queriesSent(page)).at(-1)?.status, { timeout: 20_000 }).toBe(200);
  await expect(live.locator('.result')).not.toBeEmpty();
  const result = JSON.parse((await live.locator('.result').textContent()) ?? '{}');
  expect(result.errors).toEqual([]);
  expect(result.frames[0].length).toBeGreaterThan(0);
});

test('a Lucene query that does not parse is underlined and not sent', async ({ page }) => {
  const live = page.locator('#live');
  const lucene = live.getByTestId(testIds.datasource.logsQuery).locator('.cm-content');
  await lucene.fill('level:(ERROR OR');
  await expect(live.locator('.cm-lintRange-error')).toBeVisible({ timeout: 5_000 });
  await lucene.blur();
  await expect(live.locator('.query')).toContainText('"query":"level:(ERROR OR"');
  expect((await queriesSent(page)).map((q) => q.query.query)).not.toContain('level:(ERROR OR');
  await lucene.fill('level:(ERROR OR WARN)');
  await expect(live.locator('.cm-lintRange-error')).toHaveCount(0, { timeout: 5_000 });
  await lucene.blur();
  await expect
    .poll(async () => (await queriesSent(page)).at(-1)?.query.query, { timeout: 10_000 })
    .toBe('level:(ERROR OR WARN)');
});

test('the traces editor checks the trace id and durations as they are typed, and sends none that is wrong', async ({
  page,
}) => {
  const live = page.locator('#live');
  await live.getByRole('radio', { name: 'Traces' }).click();
  const traceId = live.getByTestId(testIds.datasource.traceId);
  await traceId.fill('4bf92f35-not-hex');
  await expect(live.getByText('traceId "4bf92f35-not-hex" is not a trace id (1 to 32 hex digits)')).toBeVisible();
  await traceId.blur();
  expect((await queriesSent(page)).map((q) => q.query.traceId)).not.toContain('4bf92f35-not-hex');
  await traceId.fill('');
  const min = live.getByTestId(testIds.datasource.traceDuration('minDuration'));
  await min.fill('fast');
  await expect(live.getByText('minDuration "fast" is not a duration such as 100ms or 1.5s')).toBeVisible();
  await min.fill('1ms');
  await expect(live.getByText(/minDuration .* is not a duration/)).toHaveCount(0);
});
