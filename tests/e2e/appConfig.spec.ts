import { test, expect } from './fixtures';
import { testIds } from '../../src/components/testIds';

test('the config page shows whether the app is enabled and saves a toggle', async ({ appConfigPage, page }) => {
  const toggle = page.getByTestId(testIds.appConfig.toggle);
  await expect(toggle).toHaveText(/Enable|Disable/);
  const saved = appConfigPage.waitForSettingsResponse();
  await toggle.click();
  await expect(saved).toBeOK();
});
