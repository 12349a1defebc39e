import { expect, test, type CDPSession, type Locator, type Page } from '@playwright/test';
import { join } from 'node:path';
import { testIds } from '../../src/components/testIds';

// The PromQL editor (CodeMirror with codemirror-promql) in the harness page, completing through
// the Grafana stand-in and the real backend from the running demo's Prometheus.

const repo = join(__dirname, '../..');
/** The goals of the issue, printed next to what was measured. */
const COMPLETION_P95_GOAL_MS = 150;
const FRAME_BUDGET_MS = 16;

function editorOf(section: Locator): Locator {
  return section.getByTestId(testIds.datasource.metricsExpr).locator('.cm-content');
}

const completions = (page: Page) => page.locator('.cm-tooltip-autocomplete li');

async function completionLabels(page: Page): Promise<string[]> {
  return page.locator('.cm-tooltip-autocomplete .cm-completionLabel').allTextContents();
}

async function queries(page: Page): Promise<Array<{ url: string; status?: number; data?: any }>> {
  const all = await page.evaluate(() => window.requests as Array<{ url: string; status?: number; data?: any }>);
  return all.filter((r) => r.url.startsWith('/api/ds/query'));
}

/** Types into an emptied editor, one key at a time as a person would. */
async function typeInto(page: Page, editor: Locator, text: string) {
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
}

test.beforeEach(async ({ page }) => {
  await page.goto('/index.html');
  // The editor loads lazily; its CodeMirror content appears once the chunk is in.
  await expect(editorOf(page.locator('#live'))).toBeVisible();
});

test('typing a metric prefix offers the demo’s metric names with the catalog’s help', async ({ page }) => {
  const editor = editorOf(page.locator('#live'));
  await typeInto(page, editor, 'ai_mem');
  await expect(completions(page).first()).toBeVisible({ timeout: 10_000 });
  await expect.poll(() => completionLabels(page)).toContain('ai_memory_operations_total');
  // Fuzzy matches follow; what starts with the typed prefix comes first.
  expect((await completionLabels(page))[0]).toMatch(/^ai_mem/);
  // The metric's help in the list comes from the signal catalog (type, help, labels).
  await page
    .locator('.cm-tooltip-autocomplete li', { hasText: /^ai_memory_operations_total/ })
    .first()
    .click();
  await expect(editor).toHaveText('ai_memory_operations_total');
  const resource = (await page.evaluate(() => window.requests)).find((r) => r.url.includes('label-values'));
  expect(resource?.url).toContain('label=__name__');
  expect(resource?.status).toBe(200);
});

test('inside {operation=" it offers the operations the demo reports', async ({ page }) => {
  const editor = editorOf(page.locator('#live'));
  await typeInto(page, editor, 'ai_memory_operations_total{operation="');
  await expect
    .poll(() => completionLabels(page), { timeout: 10_000 })
    .toEqual(expect.arrayContaining(['search', 'add']));
  const call = (await page.evaluate(() => window.requests)).findLast((r) => r.url.includes('label=operation'));
  // Narrowed to the metric being edited, through the backend's resource.
  expect(decodeURIComponent(call?.url ?? '')).toContain('match={__name__="ai_memory_operations_total"}');
});

test('a syntax error is underlined before the query runs; a counter shown raw gets the catalog’s hint', async ({
  page,
}) => {
  const editor = editorOf(page.locator('#live'));
  // Filled, not typed: typing would close the brackets as it goes.
  await editor.fill('sum(rate(ai_memory_operations_total[5m])');
  await expect(page.locator('#live .cm-lintRange-error')).toBeVisible({ timeout: 5_000 });
  expect((await queries(page)).map((q) => q.data?.queries?.[0]?.expr)).not.toContain(
    'sum(rate(ai_memory_operations_total[5m])'
  );
  await editor.fill('ai_memory_operations_total');
  await expect(page.locator('#live .cm-lintRange-warning')).toBeVisible({ timeout: 5_000 });
  await page.locator('#live .cm-lintRange-warning').hover();
  await expect(page.locator('.cm-tooltip-lint')).toContainText('wrap it in rate() or increase()');
});

test('a template variable and $__rate_interval complete and are not errors; Shift+Enter runs the query', async ({
  page,
}) => {
  const live = page.locator('#live');
  const editor = editorOf(live);
  await typeInto(page, editor, 'sum by (operation) (rate(ai_memory_operations_total{job="$');
  await expect
    .poll(() => completionLabels(page), { timeout: 10_000 })
    .toEqual(expect.arrayContaining(['$__rate_interval', '$service']));
  await page.keyboard.press('Escape');
  const expr = 'sum by (operation) (rate(ai_memory_operations_total{job!="$service"}[$__rate_interval]))';
  await editor.fill(expr);
  // The lint runs 300 ms after the last change; give it a full second to say anything.
  await page.waitForTimeout(1_000);
  await expect(live.locator('.cm-lintRange-error, .cm-lintRange-warning')).toHaveCount(0);
  const before = (await queries(page)).length;
  await editor.press('Shift+Enter');
  await expect.poll(async () => (await queries(page)).length, { timeout: 10_000 }).toBeGreaterThan(before);
  await expect.poll(async () => (await queries(page)).at(-1)?.status, { timeout: 20_000 }).toBe(200);
  const sent = (await queries(page)).at(-1)?.data.queries[0];
  expect(sent.expr).toBe(
    'sum by (operation) (rate(ai_memory_operations_total{job!="agentmemory-demo"}[$__rate_interval]))'
  );
  await expect(live.locator('.result')).not.toBeEmpty();
  const result = JSON.parse((await live.locator('.result').textContent()) ?? '{}');
  expect(result.errors).toEqual([]);
  expect(result.frames.length).toBeGreaterThan(0);
  // Shift+Enter ran the query instead of adding a line.
  await expect(editor).toHaveText(expr);
});

test('the bracket at the cursor and its partner are marked', async ({ page }) => {
  const editor = editorOf(page.locator('#live'));
  await editor.fill('sum(rate(ai_memory_operations_total[5m]))');
  await editor.press('End');
  // The last ")" and the "(" of sum(.
  await expect(page.locator('#live .cm-matchingBracket')).toHaveCount(2);
  await expect(page.locator('#live .cm-matchingBracket').first()).toHaveText('(');
});

test('with Prometheus down, completion says which source failed and the editor stays usable', async ({ page }) => {
  const broken = page.locator('#broken');
  const editor = editorOf(broken);
  await typeInto(page, editor, 'ai_mem');
  await expect(
    broken.getByText(
      // Unreachable, or, after other tests hit the same dead Prometheus, its breaker open: either
      // way the backend's message names the source.
      /Completion unavailable: Could not load prometheus\/[a-z-]+: Prometheus (at http:\/\/127\.0\.0\.1:1 is unreachable|failed repeatedly)/
    )
  ).toBeVisible({
    timeout: 20_000,
  });
  await page.keyboard.type('ory_operations_total');
  await expect(editor).toHaveText('ai_memory_operations_total');
  // Leaving the editor gives the query its text, as with Prometheus up.
  await broken.locator('h2').click();
  await expect(broken.locator('.query')).toContainText('"expr":"ai_memory_operations_total"');
});

test('the variable editor’s series selector completes the same way', async ({ page }) => {
  const variable = page.locator('#variable');
  await variable.getByRole('radio', { name: 'Prometheus label values' }).click();
  const series = variable.getByTestId(testIds.datasource.variableSeries).locator('.cm-content');
  await typeInto(page, series, 'ai_memory_op');
  await expect.poll(() => completionLabels(page), { timeout: 10_000 }).toContain('ai_memory_operations_total');
});

type TraceEvent = { name: string; ph: string; ts: number; dur?: number; pid: number; tid: number; args?: any };

/**
 * The longest task of the page's main thread between each `keystroke` mark and the `answered`
 * mark after it (a keystroke, until its completion list shows), from Chromium's own trace.
 */
async function longestTaskOfKeystrokes(cdp: CDPSession, work: () => Promise<void>): Promise<number> {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', {
    categories: '__metadata,toplevel,blink.user_timing,disabled-by-default-devtools.timeline',
    transferMode: 'ReportEvents',
  });
  await work();
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.end');
  await complete;
  const mains = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`)
  );
  const marks = (name: string) =>
    events
      .filter((e) => e.name === name)
      .map((e) => e.ts)
      .sort((a, b) => a - b);
  const [starts, ends] = [marks('keystroke'), marks('answered')];
  const windows = starts.map((from, i) => ({ from, to: ends[i] }));
  const tasks = events.filter(
    (e) =>
      e.name === 'RunTask' &&
      e.ph === 'X' &&
      mains.has(`${e.pid}:${e.tid}`) &&
      windows.some((w) => e.ts < w.to && e.ts + (e.dur ?? 0) > w.from)
  );
  // No window or no task seen means the trace missed them, not that typing cost nothing.
  expect(windows.length).toBeGreaterThan(0);
  expect(tasks.length).toBeGreaterThan(0);
  return Math.max(...tasks.map((t) => (t.dur ?? 0) / 1000));
}

declare global {
  interface Window {
    untilCompletionList: () => Promise<number>;
  }
}

/**
 * Marks `keystroke`, then `answered` when a completion list shows (a MutationObserver, no
 * polling); resolves with the milliseconds between, or -1 after 5 s.
 */
function installCompletionTimer() {
  window.untilCompletionList = () =>
    new Promise<number>((resolve) => {
      performance.mark('keystroke');
      const started = performance.now();
      const observer = new MutationObserver(() => {
        if (document.querySelector('.cm-tooltip-autocomplete li')) {
          observer.disconnect();
          performance.mark('answered');
          resolve(performance.now() - started);
        }
      });
      observer.observe(document.body, { childList: true, subtree: true });
      setTimeout(() => (observer.disconnect(), resolve(-1)), 5_000);
    });
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];

test('completion answers within 150 ms (p95 of 50 keystrokes) and typing never blocks the page', async ({ page }) => {
  const editor = editorOf(page.locator('#live'));
  // Warm the lazily loaded editor and its first lists, as a user's first keystrokes do.
  await typeInto(page, editor, 'ai_m');
  await expect(completions(page).first()).toBeVisible({ timeout: 10_000 });
  const contexts = [
    'ai_memory_',
    'ai_memory_operations_total{',
    'ai_memory_operations_total{operation="',
    'sum(rate(ai_memory_op',
  ];
  const latencies: number[] = [];
  await page.evaluate(installCompletionTimer);
  const cdp = await page.context().newCDPSession(page);
  const longest = await longestTaskOfKeystrokes(cdp, async () => {
    for (let i = 0; latencies.length < 50; i++) {
      const context = contexts[i % contexts.length];
      // Filled at once up to the last character, which is typed: the keystroke measured.
      await editor.fill(context.slice(0, -1));
      await page.keyboard.press('End');
      await page.keyboard.press('Escape');
      await expect(completions(page)).toHaveCount(0);
      // Timed in the page from the keystroke to the list, so that no locator of the test runs on
      // the page's thread meanwhile (it would count as the editor's work).
      const answered = page.evaluate(() => window.untilCompletionList());
      await page.keyboard.type(context.slice(-1));
      const ms = await answered;
      expect(ms).toBeGreaterThanOrEqual(0);
      latencies.push(ms);
    }
  });
  const p50 = percentile(latencies, 50);
  const p95 = percentile(latencies, 95);
  const resources = (await page.evaluate(() => window.requests)).filter((r) =>
    r.url.includes('/resources/prometheus/')
  );
  const backend = resources.map((r) => r.ms ?? 0);
  console.log(
    `[promql editor] completion after a keystroke over ${latencies.length}: p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms = ${(p95 / COMPLETION_P95_GOAL_MS).toFixed(2)}× the ${COMPLETION_P95_GOAL_MS} ms goal; ` +
      `${resources.length} resource calls through the backend: p50 ${percentile(backend, 50).toFixed(1)} ms, p95 ${percentile(backend, 95).toFixed(1)} ms; ` +
      `longest main-thread task while typing ${longest.toFixed(1)} ms = ${(longest / FRAME_BUDGET_MS).toFixed(2)}× the ${FRAME_BUDGET_MS} ms goal`
  );
  expect(p95).toBeLessThanOrEqual(COMPLETION_P95_GOAL_MS);
  // A long task (≥ 50 ms) is what users feel as a stutter; the 16 ms goal is printed above.
  expect(longest).toBeLessThan(50);
});

for (const theme of ['dark', 'light'] as const) {
  test(`the editor follows Grafana’s ${theme} theme (picture for the docs)`, async ({ page }) => {
    await page.goto(`/index.html?theme=${theme}`);
    const live = page.locator('#live');
    const editor = editorOf(live);
    await expect(editor).toBeVisible();
    await typeInto(
      page,
      editor,
      'sum by (operation) (rate(ai_memory_operations_total{agent_type="coding", status="error"}[$__rate_interval])) / sum by (operation) (rate(ai_mem'
    );
    await expect(completions(page).first()).toBeVisible({ timeout: 10_000 });
    // Strings take the theme's green: the highlighting is the theme's, not a fixed palette.
    const stringColor = await live
      .locator('.cm-line span', { hasText: '"coding"' })
      .evaluate((el) => getComputedStyle(el).color);
    const background = await live.locator('.cm-editor').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(stringColor).not.toBe(await live.locator('.cm-content').evaluate((el) => getComputedStyle(el).color));
    // A dark input on the dark theme, a light one on the light theme.
    const brightness =
      background
        .match(/\d+/g)!
        .slice(0, 3)
        .map(Number)
        .reduce((a, b) => a + b, 0) / 3;
    expect(theme === 'dark' ? brightness < 80 : brightness > 200).toBe(true);
    const box = (await live.getByTestId(testIds.datasource.metricsExpr).boundingBox())!;
    await page.screenshot({
      path: join(repo, `docs/img/promql-editor-${theme}.png`),
      clip: { x: 0, y: Math.max(0, box.y - 60), width: 1200, height: 340 },
    });
  });
}
