import { test, expect } from './fixtures';
import { testIds } from '../../src/components/testIds';
import { PROVISIONED_DATASOURCE } from './compose';

test('the config page saves: disabling and enabling the app round-trips through Grafana', async ({
  appConfigPage,
  page,
}) => {
  const toggle = page.getByTestId(testIds.appConfig.toggle);
  await expect(toggle).toHaveText('Disable');
  let saved = appConfigPage.waitForSettingsResponse();
  await toggle.click();
  await expect(saved).toBeOK();
  await expect(toggle).toHaveText('Enable');
  saved = appConfigPage.waitForSettingsResponse();
  await toggle.click();
  await expect(saved).toBeOK();
  await expect(toggle).toHaveText('Disable');
});

test('the set-up check finds every source of the provisioned data source reachable', async ({
  appConfigPage,
  page,
}) => {
  expect(appConfigPage).toBeTruthy();
  for (const source of ['prometheus', 'elasticsearch', 'jaeger']) {
    await expect(page.getByTestId(testIds.dataSourceCheck.source(PROVISIONED_DATASOURCE.uid, source))).toContainText(
      'reachable',
      { timeout: 30_000 }
    );
  }
});
