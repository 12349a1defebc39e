import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { testIds } from '../../src/components/testIds';

const harness = `file://${path.join(__dirname, 'build', 'index.html')}`;

async function recordedQueries(page: Page): Promise<any[]> {
  const requests: Array<{ url: string; data?: { queries?: any[] } }> = await page.evaluate(
    () => window.requests as any
  );
  return requests.filter((r) => r.url.startsWith('/api/ds/query')).flatMap((r) => r.data?.queries ?? []);
}

test.beforeEach(async ({ page }) => {
  await page.goto(harness);
  await expect(page.getByTestId(testIds.datasource.queryType)).toBeVisible();
});

test('the config editor keeps URLs in jsonData and secrets in secureJsonData', async ({ page }) => {
  await page.getByTestId(testIds.datasource.configUrl('prometheus')).fill('http://prometheus:9090');
  await page.getByTestId(testIds.datasource.configUrl('elasticsearch')).fill('http://elasticsearch:9200');
  await page.getByTestId(testIds.datasource.configToken('prometheus')).fill('s3cret-token');
  const options = JSON.parse((await page.locator('#options').textContent()) ?? '{}');
  expect(options.jsonData).toEqual({
    prometheusUrl: 'http://prometheus:9090',
    elasticsearchUrl: 'http://elasticsearch:9200',
  });
  expect(options.secureJsonData).toEqual({ prometheusBearerToken: 's3cret-token' });
  expect(JSON.stringify(options.jsonData)).not.toContain('s3cret');
});

test('typing PromQL and leaving the field runs a metrics query through the backend', async ({ page }) => {
  const expr =
    'histogram_quantile(0.99, sum by (operation, le) (rate(ai_memory_operation_duration_seconds_bucket[$__rate_interval])))';
  await page.getByTestId(testIds.datasource.metricsExpr).fill(expr);
  await page.getByTestId(testIds.datasource.metricsLegend).fill('{{operation}}');
  await page.getByTestId(testIds.datasource.metricsLegend).blur();
  await expect.poll(async () => (await recordedQueries(page)).length).toBeGreaterThan(0);
  const queries = await recordedQueries(page);
  expect(queries.at(-1)).toMatchObject({
    refId: 'A',
    queryType: 'metrics',
    expr,
    legendFormat: '{{operation}}',
    datasource: { type: 'memstack-agentmemory-datasource', uid: 'agentmemory' },
  });
});

test('the logs editor sends a logs query with its text, and the traces editor a trace by id', async ({ page }) => {
  await page.getByRole('radio', { name: 'Logs' }).click();
  await expect(page.getByTestId(testIds.datasource.eventFilter('agent_type'))).toBeVisible();
  await page.getByTestId(testIds.datasource.logsQuery).fill('error_type:TimeoutError');
  await page.getByTestId(testIds.datasource.logsQuery).blur();
  await expect.poll(async () => (await recordedQueries(page)).some((q) => q.queryType === 'logs')).toBe(true);
  expect((await recordedQueries(page)).find((q) => q.queryType === 'logs')).toMatchObject({
    query: 'error_type:TimeoutError',
  });

  await page.getByRole('radio', { name: 'Traces' }).click();
  await page.getByTestId(testIds.datasource.traceId).fill('4bf92f3577b34da6a3ce929d0e0e4736');
  await page.getByTestId(testIds.datasource.traceId).blur();
  await expect
    .poll(async () => (await recordedQueries(page)).some((q) => q.traceId === '4bf92f3577b34da6a3ce929d0e0e4736'))
    .toBe(true);
  await expect(page.getByTestId(testIds.datasource.traceService)).toBeHidden();
});
