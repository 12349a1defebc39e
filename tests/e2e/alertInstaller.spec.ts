import { test, expect } from './fixtures';
import { testIds } from '../../src/components/testIds';
import { ALERT_RULES } from '../../src/alerting/rules';

/**
 * The alert installer against a real Grafana (docker compose): it creates the rules editable in
 * Grafana's alerting UI (no provenance), and a second run changes nothing. Runs where a Grafana
 * answers (scripts/e2e-grafana.sh); the Chromium suite covers the same page against a stand-in.
 */
test('installs the rules editable in Grafana, and a second run changes nothing', async ({
  appConfigPage,
  page,
  request,
}) => {
  const installer = page.getByTestId(testIds.alertInstaller.container);
  await expect(installer).toBeVisible();
  await page.getByTestId(testIds.alertInstaller.review).click();
  const apply = page.getByTestId(testIds.alertInstaller.apply);
  if (await apply.isEnabled()) {
    await apply.click();
    await expect(page.getByTestId(testIds.alertInstaller.message)).toContainText('Installed');
  }
  const rules = await (await request.get('/api/v1/provisioning/alert-rules')).json();
  for (const name of ALERT_RULES.map((r) => r.name)) {
    const rule = rules.find((r: { title: string }) => r.title === name);
    expect(rule, `rule ${name}`).toBeTruthy();
    expect(rule.provenance ?? '').toBe('');
  }
  await page.reload();
  await page.getByTestId(testIds.alertInstaller.review).click();
  await expect(page.getByTestId(testIds.alertInstaller.message)).toContainText('Nothing to change');
  expect(appConfigPage).toBeTruthy();
});
