import { test, expect } from './fixtures';
import { ROUTES } from '../../src/constants';
import { testIds } from '../../src/components/testIds';
import { TITLES } from '../../src/dashboards/titles';

test('the overview answers from the compose stack’s demo and links into each bundled dashboard', async ({
  gotoPage,
  page,
}) => {
  await gotoPage(`/${ROUTES.Overview}`);
  await expect(page.getByTestId(testIds.overview.container)).toBeVisible();
  await expect(page.getByTestId(testIds.overview.verdict)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId(testIds.overview.failure)).toHaveCount(0);
  await expect(page.getByTestId(testIds.overview.operation('search'))).toBeVisible();
  for (const title of Object.values(TITLES)) {
    await expect(page.getByTestId(testIds.overview.dashboards).getByRole('link', { name: title })).toBeVisible();
  }
  await page.getByTestId(testIds.overview.dashboards).getByRole('link', { name: TITLES['ai-agent-ops'] }).click();
  await expect(page).toHaveURL(/\/d\/ai-agent-ops/);
});
