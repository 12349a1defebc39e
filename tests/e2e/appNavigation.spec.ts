import { test, expect } from './fixtures';
import { ROUTES } from '../../src/constants';
import { testIds } from '../../src/components/testIds';

test('the overview page renders and links to a new Agent Memory data source', async ({ gotoPage, page }) => {
  await gotoPage(`/${ROUTES.Overview}`);
  await expect(page.getByTestId(testIds.overview.container)).toBeVisible();
  await expect(page.getByTestId(testIds.overview.dataSourceLink)).toHaveAttribute(
    'href',
    /type=memstack-agentmemory-datasource/
  );
});
