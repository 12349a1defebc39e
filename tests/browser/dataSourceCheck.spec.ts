import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { testIds } from '../../src/components/testIds';
import { resetStandIn } from './standIn';

/**
 * The configuration page's data source set-up check, through the stand-in's health endpoint and
 * the real backend's CheckHealth against the running stack: which source of each Agent Memory
 * data source answers, and why one does not.
 */
const repo = join(__dirname, '../..');

test('says which source of each data source is reachable, and why one is not', async ({ page }) => {
  await resetStandIn(page, 'default');
  await page.setViewportSize({ width: 1100, height: 1400 });
  await page.goto('/installer.html');
  const good = (source: string) => page.getByTestId(testIds.dataSourceCheck.source('agentmemory', source));
  await expect(good('prometheus')).toContainText('reachable', { timeout: 30_000 });
  await expect(good('prometheus')).toContainText(/Prometheus \d+\.\d+\.\d+\S* answered/);
  await expect(good('elasticsearch')).toContainText('reachable');
  await expect(good('elasticsearch')).toContainText(/events in ai-events-\*/);
  await expect(good('jaeger')).toContainText('reachable');
  await expect(good('jaeger')).toContainText(/Jaeger answered with \d+ services/);

  const broken = (source: string) => page.getByTestId(testIds.dataSourceCheck.source('broken', source));
  for (const source of ['prometheus', 'elasticsearch', 'jaeger']) {
    await expect(broken(source)).toContainText('failing');
    await expect(broken(source)).toContainText('127.0.0.1:1');
  }
  await expect(
    page.getByTestId(testIds.dataSourceCheck.datasource('broken')).getByRole('link', { name: 'Settings' })
  ).toHaveAttribute('href', '/connections/datasources/edit/broken');
  await page.getByTestId(testIds.appConfig.container).screenshot({ path: join(repo, 'docs/img/app-config.png') });
});

test('without an Agent Memory data source, offers to add one', async ({ page }) => {
  await resetStandIn(page, 'no-datasource');
  await page.goto('/installer.html');
  await expect(page.getByTestId(testIds.dataSourceCheck.none)).toBeVisible();
  await resetStandIn(page, 'default');
});
