import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from '@grafana/plugin-e2e';

/** Every bundled dashboard, as docker compose provisions it, opens with no panel in error. */
const pluginJson = JSON.parse(readFileSync(join(__dirname, '../../src/plugin.json'), 'utf8'));
const dashboards: Array<{ name: string; uid: string }> = pluginJson.includes
  .filter((i: { type: string }) => i.type === 'dashboard')
  .map((i: { name: string; path: string }) => ({
    name: i.name,
    uid: JSON.parse(readFileSync(join(__dirname, '../../src', i.path), 'utf8')).uid,
  }));

for (const { name, uid } of dashboards) {
  test(`dashboard "${name}" opens with every panel answered and none in error`, async ({ gotoDashboardPage, page }) => {
    await gotoDashboardPage({ uid });
    await expect(page.getByText(name).first()).toBeVisible();
    await page.waitForLoadState('networkidle');
    await expect(page.getByTestId('data-testid Panel status error')).toHaveCount(0);
  });
}
