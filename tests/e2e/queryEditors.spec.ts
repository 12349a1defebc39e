import { test, expect } from '@grafana/plugin-e2e';
import { testIds } from '../../src/components/testIds';
import { PROVISIONED_DATASOURCE } from './compose';

/** Each query type's editor runs a query through the provisioned data source and shows a result. */
const TYPES: Array<{ label: string; fill?: (row: import('@playwright/test').Locator) => Promise<void> }> = [
  {
    label: 'Metrics',
    fill: (row) =>
      row
        .getByTestId(testIds.datasource.metricsExpr)
        .locator('.cm-content')
        .fill('sum by (operation) (rate(ai_memory_operations_total[5m]))'),
  },
  { label: 'Logs' },
  { label: 'Log counts' },
  { label: 'Traces' },
  { label: 'Correlate' },
];

for (const { label, fill } of TYPES) {
  test(`the ${label} editor runs a query and the panel shows its result`, async ({ panelEditPage, page }) => {
    await panelEditPage.datasource.set(PROVISIONED_DATASOURCE.name);
    const row = panelEditPage.getQueryEditorRow('A');
    await row.getByTestId(testIds.datasource.queryType).getByText(label, { exact: true }).click();
    if (fill) {
      await fill(row);
    }
    await expect(panelEditPage.refreshPanel()).toBeOK();
    await expect(panelEditPage.panel.locator).not.toContainText('No data');
    await expect(page.getByTestId('data-testid Panel status error')).toHaveCount(0);
  });
}
