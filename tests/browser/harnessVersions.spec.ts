import { expect, test } from '@playwright/test';

/**
 * Each project runs the pages bundled with the React it names (tests/compat/README.md): the
 * repository's own for "chromium", the variant's pinned one for each tests/compat variant, so a
 * variant whose packages silently fell back to the repository's would fail here.
 * Grafana: REACT-VERSIONS (docs/grafana-behaviour.md).
 */
test('the page runs the React its project names', async ({ page }) => {
  const expected = test.info().project.metadata.react;
  expect(expected, 'the project names its React').toMatch(/^\d+\.\d+\.\d+$/);
  await page.goto('/panels.html?scenario=breaker-empty');
  await page.waitForFunction(() => window.panelReady === true);
  expect(await page.evaluate(() => document.documentElement.dataset.react)).toBe(expected);
});
