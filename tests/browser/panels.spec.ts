import { expect, test, type Page } from '@playwright/test';
import { testIds } from '../../src/components/testIds';
import { picturePath } from './standIn';

/**
 * Our two panels in Chromium, rendered as a dashboard renders them (tests/browser/panels.tsx):
 * with the bundled dashboard's own queries answered by the real backend from the running demo,
 * and with edge cases. Checks what a user checks — tooltip text on hover, legend shares, axis
 * labels, scrolling, zoom — and saves the screenshots docs/dashboards.md and plugin.json show.
 */

async function open(page: Page, scenario: string, theme: 'dark' | 'light' = 'dark') {
  await page.setViewportSize({ width: 940, height: 360 });
  await page.goto(`/panels.html?scenario=${scenario}&theme=${theme}`);
  await page.waitForFunction(() => window.panelReady === true);
  await expect(page.locator('#error')).toHaveCount(0);
}

async function hover(page: Page, testId: string, fx: number, fy: number) {
  const box = (await page.getByTestId(testId).boundingBox())!;
  await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
}

const axisLabels = async (page: Page, testId: string) =>
  ((await page.getByTestId(testId).getAttribute('data-labels')) ?? '').split('|').filter(Boolean);

for (const theme of ['dark', 'light'] as const) {
  test(`breaker timeline with the demo's breakers (${theme})`, async ({ page }) => {
    await open(page, 'demo-breakers', theme);
    const plot = page.getByTestId(testIds.breakerTimeline.plot);
    await expect(plot).toHaveAttribute('aria-label', /Circuit breaker states of \d+ services/);
    const services = Number((await plot.getAttribute('aria-label'))!.match(/of (\d+) services/)![1]);
    expect(services).toBeGreaterThanOrEqual(3);
    const legend = page.getByTestId(testIds.breakerTimeline.legend);
    await expect(legend).toContainText(/Closed \d+\.\d%/);
    await expect(legend).toContainText(/open \d+\.\d%/);
    const labels = await axisLabels(page, testIds.breakerTimeline.axis);
    expect(labels.length).toBeGreaterThanOrEqual(4);
    labels.forEach((l) => expect(l).toMatch(/^\d\d:\d\d$/));
    await hover(page, testIds.breakerTimeline.plot, 0.97, 0.5 / services);
    const tip = page.getByTestId(testIds.breakerTimeline.tooltip);
    await expect(tip).toContainText('State');
    await expect(tip).toContainText(/Closed|Open|Half-open/);
    await expect(tip).toContainText('Transitions in range');
    await page.locator('#panel').screenshot({ path: picturePath(`breaker-timeline-${theme}.png`) });
  });

  test(`relevance heatmap with the demo's relevance scores (${theme})`, async ({ page }) => {
    await open(page, 'demo-heatmap', theme);
    const plot = page.getByTestId(testIds.relevanceHeatmap.plot);
    const y = ((await plot.getAttribute('data-y-labels')) ?? '').split('|');
    // The catalog's score buckets (0.1 … 1) and +Inf, labelled without overlap.
    expect(y[0]).toBe('0');
    expect(y).toContain('+Inf');
    expect(y.length).toBeGreaterThanOrEqual(5);
    expect((await axisLabels(page, testIds.relevanceHeatmap.axis)).length).toBeGreaterThanOrEqual(4);
    await expect(page.getByTestId(testIds.relevanceHeatmap.legend)).toContainText('sqrt scale');
    // The most recent minutes hold observations in most score buckets; find a cell with a count.
    let found = false;
    for (const fy of [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]) {
      await hover(page, testIds.relevanceHeatmap.plot, 0.98, fy);
      const tip = page.getByTestId(testIds.relevanceHeatmap.tooltip);
      if ((await tip.count()) && !/Count0(?!\.)/.test((await tip.textContent()) ?? '')) {
        await expect(tip).toContainText(/Bucket(≤ |> |\d)/);
        await expect(tip).toContainText(/Share of column\d+\.\d%/);
        found = true;
        break;
      }
    }
    expect(found).toBe(true);
    await page.mouse.move(0, 0);
    await page.locator('#panel').screenshot({ path: picturePath(`relevance-heatmap-${theme}.png`) });
  });
}

test('breaker timeline: one service, exact shares, tooltip, keyboard and drag to zoom', async ({ page }) => {
  await open(page, 'breaker-one-service');
  const legend = page.getByTestId(testIds.breakerTimeline.legend);
  await expect(legend).toContainText('Closed 66.7%');
  await expect(legend).toContainText('Open 25.0%');
  await expect(legend).toContainText('Half-open 8.3%');
  // The opening lasts from the 60th to the 120th sample: the middle of the hour.
  await hover(page, testIds.breakerTimeline.plot, 0.5, 0.5);
  const tip = page.getByTestId(testIds.breakerTimeline.tooltip);
  await expect(tip).toContainText('neo4j');
  await expect(tip).toContainText(/StateOpen/);
  await expect(tip).toContainText('For15 min');
  // closed → open → half-open → closed.
  await expect(tip).toContainText('Transitions in range3');
  // Legend click hides the state.
  await legend.getByRole('button', { name: /^Open/ }).click();
  await expect(legend.getByRole('button', { name: /^Open/ })).toHaveAttribute('aria-pressed', 'false');
  // Keyboard: focus the plot, move right from the opening to the half-open stretch.
  await page.getByTestId(testIds.breakerTimeline.plot).focus();
  await page.keyboard.press('ArrowRight');
  await expect(tip).toBeVisible();
  // Drag across a third of the plot: the dashboard's time range is asked to zoom there.
  const box = (await page.getByTestId(testIds.breakerTimeline.plot).boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + 10);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.8, box.y + 10, { steps: 5 });
  await page.mouse.up();
  const zoomed = await page.evaluate(() => window.zoomedTo);
  expect(zoomed).toBeDefined();
  expect(zoomed!.to - zoomed!.from).toBeGreaterThan(0);
  expect(zoomed!.to - zoomed!.from).toBeLessThan(3600_000 * 0.6);
  await page.locator('#panel').screenshot({ path: picturePath('breaker-timeline-one-service.png') });
});

test('breaker timeline: 1,000 services scroll at the minimum row height', async ({ page }) => {
  await open(page, 'breaker-1000-services');
  await expect(page.getByTestId(testIds.breakerTimeline.plot)).toHaveAttribute('aria-label', /of 1000 services/);
  const scroller = page.getByTestId(testIds.breakerTimeline.scroller);
  const { scrollHeight, clientHeight } = await scroller.evaluate((el) => ({
    scrollHeight: el.scrollHeight,
    clientHeight: el.clientHeight,
  }));
  expect(scrollHeight).toBe(18 * 1000);
  expect(clientHeight).toBeLessThan(scrollHeight);
  await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await hover(page, testIds.breakerTimeline.plot, 0.9, 0.98);
  await expect(page.getByTestId(testIds.breakerTimeline.tooltip)).toContainText('svc-0999');
  await page.locator('#panel').screenshot({ path: picturePath('breaker-timeline-1000-services.png') });
});

test('breaker timeline: all-null data is a row of gaps, not a state', async ({ page }) => {
  await open(page, 'breaker-all-null');
  await expect(page.getByTestId(testIds.breakerTimeline.legend)).toContainText('Closed 0.0%');
  await hover(page, testIds.breakerTimeline.plot, 0.5, 0.5);
  await expect(page.getByTestId(testIds.breakerTimeline.tooltip)).toContainText('no data');
});

test('breaker timeline and heatmap without data say what to query', async ({ page }) => {
  await open(page, 'breaker-empty');
  await expect(page.getByTestId(testIds.breakerTimeline.empty)).toContainText('circuit_breaker_state');
  await open(page, 'heatmap-empty');
  await expect(page.getByTestId(testIds.relevanceHeatmap.empty)).toContainText('No data in the time range');
  await open(page, 'heatmap-all-null');
  await expect(page.getByTestId(testIds.relevanceHeatmap.empty)).toContainText('every bucket value is empty');
});

test('relevance heatmap with one bucket', async ({ page }) => {
  await open(page, 'heatmap-one-bucket', 'light');
  const y = ((await page.getByTestId(testIds.relevanceHeatmap.plot).getAttribute('data-y-labels')) ?? '').split('|');
  expect(y).toEqual(['0', '+Inf']);
  await hover(page, testIds.relevanceHeatmap.plot, 0.5, 0.5);
  const tip = page.getByTestId(testIds.relevanceHeatmap.tooltip);
  await expect(tip).toContainText('Bucket> 0');
  await expect(tip).toContainText('Share of column100.0%');
});
