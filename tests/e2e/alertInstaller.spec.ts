import { test, expect } from './fixtures';
import { testIds } from '../../src/components/testIds';
import { ALERT_RULES } from '../../src/alerting/rules';
import { COMPOSE_URLS } from './compose';

/**
 * The alert installer against a real Grafana (docker compose). In the main org the rules come from
 * the compose stack's provisioning files, which the API cannot change: the installer says so. In
 * an org of its own the installer creates the rules editable in Grafana's alerting UI (no
 * provenance), and a second run changes nothing: what Grafana stores differs from what was sent
 * (docs/grafana-behaviour.md API-RULE-PRESAVE, API-ROUTE-CONTINUE, API-TEMPLATE-TRIM) and the plan
 * compares modulo that. The Chromium suite covers the same page against a recording stand-in.
 */
test.describe.configure({ mode: 'serial' });

test('in the compose org, the file-provisioned rules are found and left to their files', async ({
  appConfigPage,
  page,
  request,
}) => {
  expect(appConfigPage).toBeTruthy();
  const rules = await (await request.get('/api/v1/provisioning/alert-rules')).json();
  for (const name of ALERT_RULES.map((r) => r.name)) {
    expect(rules.find((r: { title: string }) => r.title === name)?.provenance, `rule ${name}`).toBe('file');
  }
  await page.getByTestId(testIds.alertInstaller.review).click();
  const plan = page.getByTestId(testIds.alertInstaller.plan);
  await expect(plan).toContainText('Provisioned from files (provenance "file"');
  // Removing the files removes nothing (docs/grafana-behaviour.md FILE-REMOVAL): the advice says what does.
  await expect(plan).toContainText('deleteRules');
  await expect(page.getByTestId(testIds.alertInstaller.apply)).toBeDisabled();
});

test('in an org of its own, installs the rules editable in Grafana, and a second run changes nothing', async ({
  appConfigPage,
  page,
  request,
}) => {
  expect(appConfigPage).toBeTruthy();
  const org = await (await request.post('/api/orgs', { data: { name: `installer-e2e-${Date.now()}` } })).json();
  const me = await (await request.get('/api/user')).json();
  await request.post(`/api/orgs/${org.orgId}/users`, { data: { loginOrEmail: me.login, role: 'Admin' } });
  expect((await request.post(`/api/user/using/${org.orgId}`)).ok()).toBe(true);
  try {
    expect(
      (
        await request.post('/api/plugins/memstack-agentmemory-app/settings', {
          data: { enabled: true, pinned: true, jsonData: {} },
        })
      ).ok()
    ).toBe(true);
    const ds = await request.post('/api/datasources', {
      data: {
        name: 'Agent Memory',
        uid: 'agentmemory',
        type: 'memstack-agentmemory-datasource',
        access: 'proxy',
        jsonData: {
          prometheusUrl: COMPOSE_URLS.prometheus,
          elasticsearchUrl: COMPOSE_URLS.elasticsearch,
          jaegerUrl: COMPOSE_URLS.jaeger,
        },
      },
    });
    expect(ds.ok()).toBe(true);
    await page.goto('/plugins/memstack-agentmemory-app');
    await page.getByTestId(testIds.alertInstaller.review).click();
    await page.getByTestId(testIds.alertInstaller.apply).click();
    await expect(page.getByTestId(testIds.alertInstaller.message)).toContainText('Installed');
    const rules = await (await request.get('/api/v1/provisioning/alert-rules')).json();
    for (const name of ALERT_RULES.map((r) => r.name)) {
      const rule = rules.find((r: { title: string }) => r.title === name);
      expect(rule, `rule ${name}`).toBeTruthy();
      expect(rule.provenance ?? '').toBe('');
    }
    await page.reload();
    await page.getByTestId(testIds.alertInstaller.review).click();
    await expect(page.getByTestId(testIds.alertInstaller.message)).toContainText('Nothing to change');
  } finally {
    await request.post('/api/user/using/1');
    await request.delete(`/api/orgs/${org.orgId}`);
  }
});
