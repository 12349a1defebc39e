import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { testIds } from '../../src/components/testIds';
import { TITLES } from '../../src/dashboards/titles';
import {
  OVERVIEW_QUERIES,
  QUALITY_MEASURES,
  qualityRule,
  qualitySeverity,
} from '../../src/pages/overview/overviewQueries';
import { needEnv, OWN_BUILD_PROJECT, picturePath, resetStandIn } from './standIn';

/**
 * The app's Overview page in Chromium, answering from the running demo through the stand-in and
 * the real backend: what it shows is compared with what Prometheus and Elasticsearch say
 * directly; its links open the right dashboards and Explore queries; a broken data source, no
 * data source, and a real fault (an open Neo4j breaker) each show what they should. Saves the
 * screenshots of the README, docs/ and the catalog.
 */
test.describe.configure({ mode: 'serial' });

const repo = join(__dirname, '../..');

async function promql(
  page: Page,
  expr: string
): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const answer = await page.request.get(`${needEnv('PROMETHEUS_URL')}/api/v1/query`, { params: { query: expr } });
  expect(answer.ok()).toBe(true);
  return (await answer.json()).data.result;
}

async function open(page: Page, theme = 'dark') {
  await page.setViewportSize({ width: 1200, height: 1100 });
  await page.goto(`/overview.html?theme=${theme}`);
  await expect(page.getByTestId(testIds.overview.verdict)).toBeVisible({ timeout: 30_000 });
}

async function setFault(page: Page, body: object) {
  // The demo's fault injection wants the token scripts/stack.sh generated (stack.sh env exports it).
  const answer = await page.request.post(`${needEnv('DEMO_URL')}/admin/faults`, {
    data: body,
    headers: { Authorization: `Bearer ${needEnv('DEMO_ADMIN_TOKEN')}` },
  });
  expect(answer.ok()).toBe(true);
}

async function verdictAfterRefresh(page: Page) {
  await page.getByTestId(testIds.overview.refresh).click();
  await page.waitForTimeout(500);
  return page.getByTestId(testIds.overview.verdict).getAttribute('data-verdict');
}

test.beforeEach(async ({ page }) => {
  await resetStandIn(page, 'default');
});

/** A rate as Grafana's reqps unit prints it ("12.3 req/s", "1.23K req/s"), back to a number. */
function fromReqPerSecond(text: string): number {
  const [, value, kilo] = text.match(/^([\d.]+)(K?) req\/s$/) ?? [];
  expect(value).toBeDefined();
  return Number(value) * (kilo ? 1000 : 1);
}

test('shows the health of the demo’s memory as Prometheus and Elasticsearch report it', async ({ page }) => {
  await open(page);
  await expect(page.getByTestId(testIds.overview.failure)).toHaveCount(0);
  await expect(page.getByTestId(testIds.overview.verdict)).toHaveAttribute('data-verdict', 'healthy');
  await expect(page.getByTestId(testIds.overview.verdict)).toContainText(/health score \d+ \/ 100/);

  // Every service that reports a degradation level or a breaker, as Prometheus lists them.
  const levels = new Map(
    (await promql(page, OVERVIEW_QUERIES.degradation.expr!)).map((r) => [r.metric.service_name, r])
  );
  const breakers = new Map(
    (await promql(page, OVERVIEW_QUERIES.breakers.expr!)).map((r) => [r.metric.service_name, r])
  );
  const services = [...new Set([...levels.keys(), ...breakers.keys()])].sort();
  expect(services.length).toBeGreaterThan(2);
  const rows = page.getByTestId(testIds.overview.services).locator('tbody tr');
  await expect(rows).toHaveCount(services.length);
  for (const [i, name] of services.entries()) {
    const cells = rows.nth(i).locator('td');
    await expect(cells.nth(0)).toHaveText(name);
    await expect(cells.nth(1)).toHaveText(levels.has(name) ? 'Normal' : 'not reported');
    await expect(cells.nth(2)).toHaveText(breakers.has(name) ? 'Closed' : 'no breaker');
  }

  // Every operation with its rate, error share and p99; the rate agrees with Prometheus.
  const rates = await promql(page, OVERVIEW_QUERIES.rate.expr!);
  expect(rates.length).toBeGreaterThan(2);
  for (const r of rates) {
    const row = page.getByTestId(testIds.overview.operation(r.metric.operation));
    await expect(row).toBeVisible();
    const cells = await row.locator('td').allTextContents();
    const shown = fromReqPerSecond(cells[1]);
    const direct = Number(r.value[1]);
    expect(Math.abs(shown - direct)).toBeLessThanOrEqual(Math.max(0.5, direct * 0.5));
    if (direct > 0) {
      expect(cells[2]).toMatch(/^\d+(\.\d+)?%$/);
      expect(cells[3]).toMatch(/^\d+(\.\d+)? (µs|ms|s|min|mins)$/);
    } else {
      // No call in the window (a demo that just started): no share and no quantile, shown as a dash.
      expect([cells[2], cells[3]]).toEqual(['—', '—']);
    }
  }

  // The top error types of the last hour, as Elasticsearch counts them.
  const search = await page.request.post(`${needEnv('ES_URL')}/ai-events-*/_search`, {
    data: {
      size: 0,
      query: {
        bool: { filter: [{ terms: { level: ['ERROR', 'CRITICAL'] } }, { range: { '@timestamp': { gte: 'now-1h' } } }] },
      },
      aggs: { types: { terms: { field: 'error_type', size: 10 } } },
    },
  });
  const buckets: Array<{ key: string }> = (await search.json()).aggregations.types.buckets;
  const errorRows = page.getByTestId(testIds.overview.topErrors).locator('tbody tr td:first-child');
  if (buckets.length === 0) {
    await expect(page.getByTestId(testIds.overview.topErrors)).toContainText('No ERROR or CRITICAL events');
  } else {
    expect((await errorRows.allTextContents()).sort()).toEqual(buckets.map((b) => b.key).sort());
  }

  for (const theme of ['dark', 'light']) {
    await open(page, theme);
    const file = `overview-${theme}.png`;
    const picture = picturePath(file);
    await page.locator('#root').screenshot({ path: picture });
    if (test.info().project.name === OWN_BUILD_PROJECT) {
      copyFileSync(picture, join(repo, 'src/img/screenshots', file));
    }
  }
});

test('shows memory quality per agent type as the quality rules compute it, linking to its dashboard', async ({
  page,
}) => {
  await open(page);
  const section = page.getByTestId(testIds.overview.quality);
  await expect(section.getByRole('link', { name: TITLES['ai-memory-quality'] })).toHaveAttribute(
    'href',
    '/d/ai-memory-quality?from=now-1h&to=now'
  );
  // The agent types Prometheus answers the churn rule's value for, each a row with every measure.
  const churn = await promql(page, OVERVIEW_QUERIES.churn.expr);
  const agentTypes = [...new Set(churn.map((r) => r.metric.agent_type))].sort();
  expect(agentTypes.length).toBeGreaterThan(1);
  for (const agentType of agentTypes) {
    const cells = page.getByTestId(testIds.overview.qualityRow(agentType)).locator('td');
    await expect(cells).toHaveCount(1 + QUALITY_MEASURES.length);
    const direct = Math.max(...churn.filter((r) => r.metric.agent_type === agentType).map((r) => Number(r.value[1])));
    const shown = Number((await cells.nth(1).textContent())!.replace('%', '')) / 100;
    expect(Math.abs(shown - direct)).toBeLessThan(0.15); // a few seconds apart
    // Coloured as the rule judges the value shown; every measure has a value on the demo.
    const churnRule = qualityRule('churn');
    if (Math.abs(shown - churnRule.threshold) > 0.01) {
      await expect(cells.nth(1)).toHaveAttribute('data-severity', qualitySeverity('churn', shown));
    }
    for (const i of QUALITY_MEASURES.keys()) {
      await expect(cells.nth(i + 1)).not.toHaveText('—');
    }
  }
});

test('links into every bundled dashboard and into Explore with a query that answers', async ({ page }) => {
  await open(page);
  const links = page.getByTestId(testIds.overview.dashboards).locator('a');
  await expect(links).toHaveCount(Object.keys(TITLES).length);
  for (const [uid, title] of Object.entries(TITLES)) {
    await expect(page.getByTestId(testIds.overview.dashboards).getByRole('link', { name: title })).toHaveAttribute(
      'href',
      `/d/${uid}?from=now-1h&to=now`
    );
  }
  const explore = page.getByTestId(testIds.overview.operation('search')).getByRole('link', { name: /Explore p99/ });
  const href = (await explore.getAttribute('href'))!;
  const panes = JSON.parse(new URL(href, 'http://x').searchParams.get('panes')!);
  const query = panes.a.queries[0];
  expect(query.expr).toContain('operation="search"');
  // What Explore would run with the link's query (its $__rate_interval as Grafana would resolve it).
  const now = Date.now();
  const answer = await page.request.post('/api/ds/query', {
    data: {
      from: String(now - 3_600_000),
      to: String(now),
      queries: [
        { ...query, expr: query.expr.replace('$__rate_interval', '1m'), intervalMs: 15_000, maxDataPoints: 200 },
      ],
    },
  });
  expect(answer.ok()).toBe(true);
  const frames = (await answer.json()).results.A.frames;
  expect(frames.length).toBe(1);
  expect(frames[0].schema.fields[1].labels).toEqual({ operation: 'search' });
});

test('names the source that fails and what it hides, with the way to its settings', async ({ page }) => {
  await open(page);
  await page.getByTestId(testIds.overview.datasource).locator('input').click();
  await page.getByRole('option', { name: 'Agent Memory (broken)' }).click();
  const failures = page.getByTestId(testIds.overview.failure);
  await expect(failures.first()).toBeVisible({ timeout: 30_000 });
  await expect(failures.filter({ hasText: 'Prometheus' })).toContainText('operation rates');
  await expect(failures.filter({ hasText: 'Elasticsearch' })).toContainText('top error types');
  await expect(failures.first().getByRole('link', { name: /Check the data source settings/ })).toHaveAttribute(
    'href',
    '/connections/datasources/edit/broken'
  );
  await expect(page.getByTestId(testIds.overview.verdict)).toHaveAttribute('data-verdict', 'unknown');
});

test('without an Agent Memory data source, says how to add one', async ({ page }) => {
  await resetStandIn(page, 'no-datasource');
  await page.goto('/overview.html');
  await expect(page.getByTestId(testIds.overview.empty)).toBeVisible();
  await expect(page.getByTestId(testIds.overview.dataSourceLink)).toHaveAttribute(
    'href',
    '/connections/datasources/new?type=memstack-agentmemory-datasource'
  );
});

test('turns degraded when a breaker opens, and healthy again after recovery', async ({ page }) => {
  test.setTimeout(240_000);
  await open(page);
  try {
    await setFault(page, { service: 'neo4j', latencyMs: 3000 });
    // The breaker opens, probes (half-open) and opens again while the fault lasts: wait for an open moment.
    const neo4jBreaker = page
      .getByTestId(testIds.overview.services)
      .locator('tbody tr', { hasText: 'neo4j' })
      .locator('td')
      .nth(2);
    await expect
      .poll(
        async () => {
          await verdictAfterRefresh(page);
          return neo4jBreaker.textContent();
        },
        { timeout: 90_000, intervals: [2_000] }
      )
      .toBe('Open');
    await expect(page.getByTestId(testIds.overview.verdict)).toHaveAttribute('data-verdict', /degraded|unhealthy/);
    await expect(page.getByTestId(testIds.overview.verdict)).toContainText('breaker open: neo4j');
  } finally {
    await setFault(page, { reset: true });
  }
  await expect.poll(() => verdictAfterRefresh(page), { timeout: 120_000, intervals: [3_000] }).toBe('healthy');
});
