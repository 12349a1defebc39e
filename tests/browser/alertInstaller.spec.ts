import { expect, test, type Page } from '@playwright/test';
import { testIds } from '../../src/components/testIds';
import { ALERT_RULES } from '../../src/alerting/rules';
import { RULE_GROUPS } from '../../src/alerting/grafana';
import { resetStandIn } from './standIn';

/** Scenarios of the stand-in's alerting store beyond StandInScenario (tests/conformance/cmd/grafanastandin/alerting.go). */
async function resetTo(page: Page, scenario: 'provenance-api' | 'foreign-rule') {
  const answer = await page.request.post(`/__standin/alerting/reset?scenario=${scenario}`);
  expect(answer.ok()).toBe(true);
}

/**
 * The alert installer on the app's configuration page, against the stand-in's recording
 * implementation of Grafana's alerting provisioning API, which stores what it is sent as Grafana
 * does (docs/grafana-behaviour.md API-RULE-PRESAVE, API-ROUTE-CONTINUE, API-TEMPLATE-TRIM) and
 * refuses provenance moves as Grafana does (API-PROVENANCE): each request's method, path, headers
 * and body; a second Review that plans nothing; a user's rule in one of our groups kept; a policy
 * tree changed between Review and Apply left alone; and the messages for missing permissions, a
 * missing data source, a conflicting rule uid and resources managed by files or another API client.
 */
test.describe.configure({ mode: 'serial' });

type Recorded = { method: string; path: string; xDisableProvenance: string; body?: any };

const recorded = async (page: Page): Promise<Recorded[]> =>
  (await (await page.request.get('/__standin/alerting/requests')).json()) as Recorded[];
const state = async (page: Page) => (await page.request.get('/__standin/alerting/state')).json();
const writes = (requests: Recorded[]) => requests.filter((r) => r.method !== 'GET');
const rulesOf = (group: string) =>
  ALERT_RULES.filter((r) => r.group === group)
    .map((r) => r.name)
    .join(', ');

async function open(page: Page) {
  await page.goto('/installer.html');
  await expect(page.getByTestId(testIds.alertInstaller.container)).toBeVisible();
}

async function review(page: Page) {
  await page.getByTestId(testIds.alertInstaller.review).click();
}

test('first run: shows what it will create, then creates it editable in Grafana, keeping the user’s routes', async ({
  page,
}) => {
  await resetStandIn(page, 'default');
  await open(page);
  // The data source picker offers only Agent Memory data sources and starts at the first.
  await expect(page.getByTestId(testIds.alertInstaller.datasource).locator('input')).toHaveValue(
    'Agent Memory (agentmemory)'
  );
  await page.getByTestId(testIds.alertInstaller.datasource).locator('input').click();
  await expect(page.getByRole('listbox').getByRole('option')).toHaveText([
    'Agent Memory (agentmemory)',
    'Agent Memory (broken)',
  ]);
  await page.keyboard.press('Escape');
  await page
    .getByTestId(testIds.alertInstaller.secret('slackWebhookUrl'))
    .fill('https://hooks.example.invalid/T000/B000/XXX');
  await page.getByTestId(testIds.alertInstaller.secret('pagerdutyRoutingKey')).fill('pd-routing-key-123');
  await review(page);
  const plan = page.getByTestId(testIds.alertInstaller.plan);
  await expect(plan).toContainText('Create folder "Agent Memory"');
  await expect(plan).toContainText(`Create rule group "memory-operations" (${rulesOf('memory-operations')})`);
  await expect(plan).toContainText(
    'Create notification policy subtree "product=agent-memory" (added first; your 1 other route(s) kept)'
  );
  await expect(plan).toContainText('contact point "agent-memory-webhook" (webhook): type its webhook URL to create it');
  // Reviewing only reads.
  expect(writes(await recorded(page))).toEqual([]);

  await page.getByTestId(testIds.alertInstaller.apply).click();
  // A folder, the template, five contact points, each rule group and the policy tree.
  await expect(page.getByTestId(testIds.alertInstaller.message)).toContainText(
    `Installed: ${8 + RULE_GROUPS.length} change(s) applied`
  );

  const sent = writes(await recorded(page));
  expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
    'POST /api/folders',
    'PUT /api/v1/provisioning/templates/agentmemory',
    ...Array(5).fill('POST /api/v1/provisioning/contact-points'),
    ...RULE_GROUPS.map((group) => `PUT /api/v1/provisioning/folder/agent-memory/rule-groups/${group}`),
    'PUT /api/v1/provisioning/policies',
  ]);
  // Every write keeps the resource editable in Grafana's UI.
  for (const r of sent) {
    expect([r.path, r.xDisableProvenance]).toEqual([r.path, 'true']);
  }
  expect(JSON.stringify(sent)).not.toContain('__grafana_origin');
  expect(sent[0].body).toEqual({ uid: 'agent-memory', title: 'Agent Memory' });

  // Rule groups: the API's field names, our data source and the rules' labels.
  const groups = sent.filter((r) => r.path.includes('/rule-groups/')).map((r) => r.body);
  expect(groups.flatMap((g) => g.rules.map((rule: any) => rule.title)).sort()).toEqual(
    ALERT_RULES.map((r) => r.name).sort()
  );
  for (const group of groups) {
    expect(group).toEqual(expect.objectContaining({ folderUid: 'agent-memory', interval: expect.any(Number) }));
    for (const rule of group.rules) {
      expect(rule).toEqual(
        expect.objectContaining({
          folderUID: 'agent-memory',
          ruleGroup: group.title,
          condition: 'C',
          execErrState: 'Error',
        })
      );
      expect(rule.data[0].datasourceUid).toBe('agentmemory');
      expect(rule.labels.product).toBe('agent-memory');
    }
  }

  // Contact points carry the typed secrets, the template, and one integration each.
  const contactPoints = sent.filter((r) => r.path.endsWith('/contact-points')).map((r) => r.body);
  expect(contactPoints.map((c) => `${c.name}:${c.type}`)).toEqual([
    'agent-memory-default:slack',
    'agent-memory-critical:slack',
    'agent-memory-critical:pagerduty',
    'agent-memory-ai-team:slack',
    'agent-memory-infra-team:slack',
  ]);
  expect(contactPoints[0].settings).toEqual(
    expect.objectContaining({
      url: 'https://hooks.example.invalid/T000/B000/XXX',
      title: '{{ template "agentmemory.title" . }}',
    })
  );
  expect(contactPoints[2].settings.integrationKey).toBe('pd-routing-key-123');

  // The policy tree: the user's root and route kept; ours first, matching on the product label.
  const tree = sent.at(-1)!.body;
  expect(tree.receiver).toBe('grafana-default-email');
  expect(tree.routes[1]).toEqual({ receiver: 'grafana-default-email', object_matchers: [['team', '=', 'db']] });
  expect(tree.routes[0]).toEqual(
    expect.objectContaining({
      object_matchers: [['product', '=', 'agent-memory']],
      receiver: 'agent-memory-default',
      routes: [
        expect.objectContaining({
          receiver: 'agent-memory-critical',
          object_matchers: [['severity', '=', 'critical']],
          continue: true,
        }),
        expect.objectContaining({ receiver: 'agent-memory-ai-team', object_matchers: [['team', '=', 'ai-team']] }),
        expect.objectContaining({
          receiver: 'agent-memory-infra-team',
          object_matchers: [['team', '=', 'infra-team']],
        }),
      ],
    })
  );

  // What Grafana now holds is editable (no provenance) and the secrets never came back to the page.
  const held = await state(page);
  for (const [resource, provenance] of Object.entries<string>(held.provenance)) {
    expect([resource, provenance]).toEqual([resource, '']);
  }
  expect(Object.keys(held.provenance)).toContain('policies');
  // Grafana stored its own normal form (PreSave defaults, no continue: false, trimmed template)...
  expect(held.rules['agentmemory-high-error-rate'].data[1].model).toEqual(
    expect.objectContaining({ intervalMs: 1000, maxDataPoints: 43200 })
  );
  expect(JSON.stringify(held.policies)).not.toContain('"continue":false');
  expect(held.templates.agentmemory).toBe(held.templates.agentmemory.trim());
  // ...and the installer's read-back compares modulo that normal form: the apply was confirmed above,
  // and a new Review plans nothing.
  await review(page);
  await expect(page.getByTestId(testIds.alertInstaller.message)).toContainText('Nothing to change');
  const readBack = (await recorded(page)).filter((r) => r.method === 'GET');
  expect(readBack.length).toBeGreaterThan(0);
  await expect(page.getByTestId(testIds.alertInstaller.secret('slackWebhookUrl'))).toHaveValue('');
});

test('second run: nothing to change, and nothing is sent', async ({ page }) => {
  // Continues from the first test's Grafana (serial).
  const before = (await recorded(page)).length;
  await open(page);
  await review(page);
  await expect(page.getByTestId(testIds.alertInstaller.message)).toContainText('Nothing to change');
  await expect(page.getByTestId(testIds.alertInstaller.apply)).toBeDisabled();
  await expect(page.getByTestId(testIds.alertInstaller.plan)).toContainText(
    'contact point "agent-memory-critical" (pagerduty): kept with its secret'
  );
  const since = (await recorded(page)).slice(before);
  expect(since.length).toBeGreaterThan(0);
  expect(writes(since)).toEqual([]);
});

test('missing permissions: says which permission is needed, sends nothing', async ({ page }) => {
  await resetStandIn(page, 'forbidden');
  await open(page);
  await review(page);
  await expect(page.getByTestId(testIds.alertInstaller.message)).toContainText(
    'Could not read the alerting configuration'
  );
  await expect(page.getByTestId(testIds.alertInstaller.message)).toContainText('alert.provisioning:write');
  await expect(page.getByTestId(testIds.alertInstaller.apply)).toBeDisabled();
  expect(writes(await recorded(page))).toEqual([]);
});

test('no Agent Memory data source: says to add one', async ({ page }) => {
  await resetStandIn(page, 'no-datasource');
  await open(page);
  await expect(page.getByTestId(testIds.alertInstaller.container)).toContainText(
    'The rules query an Agent Memory data source: add one in Connections → Data sources'
  );
  await expect(page.getByTestId(testIds.alertInstaller.review)).toBeDisabled();
  expect(writes(await recorded(page))).toEqual([]);
});

test('a rule uid used elsewhere: names it and where it is, applies nothing', async ({ page }) => {
  await resetStandIn(page, 'conflict');
  await open(page);
  await review(page);
  await expect(page.getByTestId(testIds.alertInstaller.plan)).toContainText(
    'Rule uid "agentmemory-high-error-rate" (HighErrorRate) already exists in folder legacy, group "old": delete or move that rule, or install into that folder.'
  );
  await expect(page.getByTestId(testIds.alertInstaller.apply)).toBeDisabled();
  expect(writes(await recorded(page))).toEqual([]);
});

test('rules and policies provisioned from files (docker compose): says only the files can change them and how to hand them over, applies nothing', async ({
  page,
}) => {
  await resetStandIn(page, 'files');
  await open(page);
  await review(page);
  const plan = page.getByTestId(testIds.alertInstaller.plan);
  await expect(plan).toContainText('Provisioned from files (provenance "file"');
  await expect(plan).toContainText('rule "HighErrorRate" (agentmemory-high-error-rate); the notification policy tree.');
  await expect(plan).toContainText('removing the files does not remove what they created');
  await expect(plan).toContainText('deleteRules');
  await expect(page.getByTestId(testIds.alertInstaller.apply)).toBeDisabled();
  expect(writes(await recorded(page))).toEqual([]);
});

test('resources written by another API client (provenance "api"): names each one Grafana would refuse, applies nothing', async ({
  page,
}) => {
  await resetTo(page, 'provenance-api');
  await open(page);
  await page
    .getByTestId(testIds.alertInstaller.secret('slackWebhookUrl'))
    .fill('https://hooks.example.invalid/T000/B000/XXX');
  await review(page);
  const plan = page.getByTestId(testIds.alertInstaller.plan);
  await expect(plan).toContainText(
    'Managed through the provisioning API by another client (provenance "api", e.g. Terraform or a script): notification template "agentmemory"; contact point "agent-memory-default" (slack); the notification policy tree.'
  );
  // Its rule in our group is not named: a group replacement may move api → none.
  await expect(plan).not.toContainText('CircuitBreakerOpen" (');
  await expect(page.getByTestId(testIds.alertInstaller.apply)).toBeDisabled();
  expect(writes(await recorded(page))).toEqual([]);
  // The stand-in refuses such a write as Grafana does, so without the check Apply would stop half-way.
  const refused = await page.request.put('/api/v1/provisioning/templates/agentmemory', {
    headers: { 'X-Disable-Provenance': 'true' },
    data: { template: '{{ define "x" }}{{ end }}' },
  });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).messageId).toBe('alerting.notifications.invalidProvenance');
});

test('a rule the user added to one of our groups: says so, and it is still there after Apply', async ({ page }) => {
  await resetTo(page, 'foreign-rule');
  await open(page);
  await review(page);
  await expect(page.getByTestId(testIds.alertInstaller.plan)).toContainText(
    `rule group "memory-operations" (${rulesOf('memory-operations')}); your 1 other rule(s) in it kept`
  );
  await page.getByTestId(testIds.alertInstaller.apply).click();
  await expect(page.getByTestId(testIds.alertInstaller.message)).toContainText('Installed');
  const held = await state(page);
  expect(held.rules['my-own-memory-check']).toEqual(
    expect.objectContaining({ title: 'MyOwnMemoryCheck', folderUID: 'agent-memory', ruleGroup: 'memory-operations' })
  );
  await review(page);
  await expect(page.getByTestId(testIds.alertInstaller.message)).toContainText('Nothing to change');
});

test('the policy tree changed between Review and Apply: writes nothing and says to review again', async ({ page }) => {
  await resetStandIn(page, 'default');
  await open(page);
  await review(page);
  await expect(page.getByTestId(testIds.alertInstaller.plan)).toContainText('Create notification policy subtree');
  // Someone adds a route in Grafana's UI meanwhile (the UI writes through the same API).
  const edit = await page.request.put('/api/v1/provisioning/policies', {
    headers: { 'X-Disable-Provenance': 'true' },
    data: {
      receiver: 'grafana-default-email',
      routes: [
        { receiver: 'grafana-default-email', object_matchers: [['team', '=', 'db']] },
        { receiver: 'grafana-default-email', object_matchers: [['team', '=', 'web']] },
      ],
    },
  });
  expect(edit.status()).toBe(202);
  const before = writes(await recorded(page)).length;
  await page.getByTestId(testIds.alertInstaller.apply).click();
  const message = page.getByTestId(testIds.alertInstaller.message);
  await expect(message).toContainText('The notification policy tree changed in Grafana since Review');
  await expect(message).toContainText('Nothing was written.');
  expect(writes(await recorded(page)).slice(before)).toEqual([]);
  await expect(page.getByTestId(testIds.alertInstaller.apply)).toBeDisabled();
  // A new Review keeps both of the user's routes.
  await review(page);
  await expect(page.getByTestId(testIds.alertInstaller.plan)).toContainText('your 2 other route(s) kept');
  await resetStandIn(page, 'default');
});
