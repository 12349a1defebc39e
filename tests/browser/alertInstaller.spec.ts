import { expect, test, type Page } from '@playwright/test';
import { testIds } from '../../src/components/testIds';
import { ALERT_RULES } from '../../src/alerting/rules';
import { resetStandIn } from './standIn';

/**
 * The alert installer on the app's configuration page, against the stand-in's recording
 * implementation of Grafana's alerting provisioning API: each request's method, path, headers and
 * body; a second run that sends nothing; and the messages for missing permissions, a missing data
 * source and a conflicting rule uid.
 */
test.describe.configure({ mode: 'serial' });

type Recorded = { method: string; path: string; xDisableProvenance: string; body?: any };

const recorded = async (page: Page): Promise<Recorded[]> =>
  (await (await page.request.get('/__standin/alerting/requests')).json()) as Recorded[];
const state = async (page: Page) => (await page.request.get('/__standin/alerting/state')).json();
const writes = (requests: Recorded[]) => requests.filter((r) => r.method !== 'GET');

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
  await expect(plan).toContainText(
    'Create rule group "memory-operations" (HighMemoryOperationLatency, HighErrorRate, LowCacheHitRatio)'
  );
  await expect(plan).toContainText(
    'Create notification policy subtree "product=agent-memory" (added first; your 1 other route(s) kept)'
  );
  await expect(plan).toContainText('contact point "agent-memory-webhook" (webhook): type its webhook URL to create it');
  // Reviewing only reads.
  expect(writes(await recorded(page))).toEqual([]);

  await page.getByTestId(testIds.alertInstaller.apply).click();
  await expect(page.getByTestId(testIds.alertInstaller.message)).toContainText('Installed: 13 change(s) applied');

  const sent = writes(await recorded(page));
  expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
    'POST /api/folders',
    'PUT /api/v1/provisioning/templates/agentmemory',
    ...Array(5).fill('POST /api/v1/provisioning/contact-points'),
    'PUT /api/v1/provisioning/folder/agent-memory/rule-groups/memory-operations',
    'PUT /api/v1/provisioning/folder/agent-memory/rule-groups/resilience',
    'PUT /api/v1/provisioning/folder/agent-memory/rule-groups/agent-behaviour',
    'PUT /api/v1/provisioning/folder/agent-memory/rule-groups/infrastructure',
    'PUT /api/v1/provisioning/folder/agent-memory/rule-groups/ai-events',
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
  for (const rule of Object.values<any>(held.rules)) {
    expect([rule.uid, rule.provenance]).toEqual([rule.uid, '']);
  }
  expect(held.policies.provenance).toBe('');
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

test('rules and policies provisioned from files (docker compose): says only the files can change them, applies nothing', async ({
  page,
}) => {
  await resetStandIn(page, 'files');
  await open(page);
  await review(page);
  const plan = page.getByTestId(testIds.alertInstaller.plan);
  await expect(plan).toContainText('1 of the rules are provisioned from files (provenance "file"');
  await expect(plan).toContainText('The notification policy tree is provisioned from a file');
  await expect(page.getByTestId(testIds.alertInstaller.apply)).toBeDisabled();
  expect(writes(await recorded(page))).toEqual([]);
  await resetStandIn(page, 'default');
});
