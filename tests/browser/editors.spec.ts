import { expect, test, type Locator, type Page } from '@playwright/test';
import { testIds } from '../../src/components/testIds';

/** The requests the data source made, as the page recorded them. */
async function requests(page: Page): Promise<Array<{ method: string; url: string; data?: any; status?: number }>> {
  return page.evaluate(() => window.requests as any);
}

async function result(section: Locator): Promise<{ errors: string[]; frames: any[] }> {
  await expect(section.locator('.result')).not.toBeEmpty({ timeout: 20_000 });
  return JSON.parse((await section.locator('.result').textContent()) ?? '{}');
}

/** Opens a Combobox, types `filter`, and returns the option labels it offers (the list is virtualised). */
async function options(page: Page, container: Locator, expected: string, filter = ''): Promise<string[]> {
  await container.locator('input').click();
  if (filter) {
    await container.locator('input').fill(filter);
  }
  const listbox = page.getByRole('listbox');
  // Loaded asynchronously (debounced) from the backend: wait for a value it must offer.
  await expect(listbox.getByRole('option', { name: expected, exact: true })).toBeVisible({ timeout: 20_000 });
  const labels = await listbox.getByRole('option').allTextContents();
  await page.keyboard.press('Escape');
  return labels;
}

test.beforeEach(async ({ page }) => {
  await page.goto('/index.html');
  await expect(page.locator('#live').getByTestId(testIds.datasource.queryType)).toBeVisible();
});

test('the config editor keeps URLs in jsonData and secrets, CA certificates and header values in secureJsonData', async ({
  page,
}) => {
  await page.getByTestId(testIds.datasource.configUrl('prometheus')).fill('http://prometheus:9090');
  await page.getByTestId(testIds.datasource.configUrl('elasticsearch')).fill('https://elasticsearch:9200');
  await page.getByTestId(testIds.datasource.configToken('prometheus')).fill('s3cret-token');
  await page.getByTestId(testIds.datasource.configTlsCa('elasticsearch')).dispatchEvent('click');
  await page.getByPlaceholder('-----BEGIN CERTIFICATE-----').fill('-----BEGIN CERTIFICATE-----\nMIIB\n');
  await page.getByTestId(testIds.datasource.configTlsSkipVerify('jaeger')).dispatchEvent('click');
  await expect(page.getByText('Jaeger: TLS verification is off')).toBeVisible();
  const options = JSON.parse((await page.locator('#options').textContent()) ?? '{}');
  expect(options.jsonData).toEqual({
    prometheusUrl: 'http://prometheus:9090',
    elasticsearchUrl: 'https://elasticsearch:9200',
    elasticsearchTlsWithCaCert: true,
    jaegerTlsSkipVerify: true,
  });
  expect(options.secureJsonData).toEqual({
    prometheusBearerToken: 's3cret-token',
    elasticsearchTlsCaCert: '-----BEGIN CERTIFICATE-----\nMIIB\n',
  });
});

test('a PromQL query typed in the editor returns the demo’s series through the backend', async ({ page }) => {
  const live = page.locator('#live');
  const expr = 'sum by (operation) (rate(ai_memory_operations_total{job="agentmemory-demo"}[$__rate_interval]))';
  await live.getByTestId(testIds.datasource.metricsExpr).locator('.cm-content').fill(expr);
  await live.getByTestId(testIds.datasource.metricsLegend).fill('{{operation}}');
  await live.getByTestId(testIds.datasource.metricsLegend).blur();
  // Leaving each field ran the query; wait until the run with the legend has been answered.
  const answered = async () => {
    const runs = (await requests(page)).filter((r) => r.url.startsWith('/api/ds/query'));
    return runs.length > 0 && runs.every((r) => r.status !== undefined) && runs.at(-1)?.data.queries[0].legendFormat;
  };
  await expect.poll(answered, { timeout: 20_000 }).toBe('{{operation}}');
  const { errors, frames } = await result(live);
  expect(errors).toEqual([]);
  const names = frames.flatMap((f) => f.fields.map((field: { name: string }) => field.name));
  expect(frames.length).toBeGreaterThan(1);
  expect(names).toContain('Time');
  const sent = (await requests(page)).findLast((r) => r.url.startsWith('/api/ds/query'));
  expect(sent?.status).toBe(200);
  expect(sent?.data.queries[0]).toMatchObject({
    refId: 'A',
    queryType: 'metrics',
    expr,
    legendFormat: '{{operation}}',
  });
});

test('a variable value with quotes and backslashes reaches Prometheus escaped, so the query still parses', async ({
  page,
}) => {
  const live = page.locator('#live');
  // Unescaped, $weird (a"b\c'd) would end the string early and Prometheus would reject the query.
  const editor = live.getByTestId(testIds.datasource.metricsExpr).locator('.cm-content');
  await editor.fill('count(ai_memory_operations_total{job!="$weird"})');
  await editor.blur();
  await expect
    .poll(async () => (await requests(page)).filter((r) => r.url.startsWith('/api/ds/query')).at(-1)?.status, {
      timeout: 20_000,
    })
    .toBe(200);
  const { errors, frames } = await result(live);
  expect(errors).toEqual([]);
  expect(frames[0].length).toBeGreaterThan(0);
  const sent = (await requests(page)).findLast((r) => r.url.startsWith('/api/ds/query'));
  expect(sent?.data.queries[0].expr).toBe('count(ai_memory_operations_total{job!="a\\"b\\\\c\'d"})');
});

test('the logs filters offer the event values Elasticsearch has, and a logs query returns log lines', async ({
  page,
}) => {
  const live = page.locator('#live');
  await live.getByRole('radio', { name: 'Logs' }).click();
  const agentTypes = await options(page, live.getByTestId(testIds.datasource.eventFilter('agent_type')), 'coding');
  expect(agentTypes).toEqual(expect.arrayContaining(['coding', 'research']));
  const lucene = live.getByTestId(testIds.datasource.logsQuery).locator('.cm-content');
  await lucene.fill('level:INFO');
  await lucene.blur();
  const { errors, frames } = await result(live);
  expect(errors).toEqual([]);
  expect(frames[0].length).toBeGreaterThan(0);
  const resourceCall = (await requests(page)).find((r) => r.url.includes('/resources/elasticsearch/field-values'));
  expect(resourceCall?.status).toBe(200);
});

test('the traces editor offers Jaeger’s services and the operations of the chosen one', async ({ page }) => {
  const live = page.locator('#live');
  await live.getByRole('radio', { name: 'Traces' }).click();
  const services = await options(page, live.getByTestId(testIds.datasource.traceService), 'agentmemory-demo');
  expect(services).toContain('agentmemory-demo');
  await live.getByTestId(testIds.datasource.traceService).locator('input').fill('agentmemory-demo');
  await page.getByRole('option', { name: 'agentmemory-demo' }).click();
  const operations = await options(
    page,
    live.getByTestId(testIds.datasource.traceOperation),
    'ai.memory.search',
    'ai.memory.'
  );
  expect(operations).toEqual(expect.arrayContaining(['ai.memory.search', 'ai.memory.add']));
  expect(operations.filter((o) => !o.includes('ai.memory.'))).toEqual([]);
  // Choosing the service ran the search (the first run, before a service was chosen, said why it could not).
  await expect.poll(async () => (await result(live)).errors).toEqual([]);
  expect((await result(live)).frames[0].length).toBeGreaterThan(0);
});

test('when a source is down, its picker says which one and why instead of staying silently empty', async ({ page }) => {
  const broken = page.locator('#broken');
  await broken.getByRole('radio', { name: 'Traces' }).click();
  await broken.getByTestId(testIds.datasource.traceService).locator('input').click();
  await expect(
    broken.getByText(/Could not load jaeger\/services: Jaeger at http:\/\/127\.0\.0\.1:1 is unreachable/)
  ).toBeVisible({
    timeout: 20_000,
  });
  await broken.getByRole('radio', { name: 'Logs' }).click();
  await broken.getByTestId(testIds.datasource.eventFilter('agent_type')).locator('input').click();
  await expect(
    broken.getByText(
      /Could not load elasticsearch\/field-values: Elasticsearch at http:\/\/127\.0\.0\.1:1 is unreachable/
    )
  ).toBeVisible({
    timeout: 20_000,
  });
});

test('a chained variable lists the operations of $service through the backend', async ({ page }) => {
  const variable = page.locator('#variable');
  await expect(variable.getByTestId(testIds.datasource.variableService)).toHaveValue('$service');
  await variable.locator('#variable-run').click();
  await expect(variable.locator('#variable-values')).not.toBeEmpty({ timeout: 20_000 });
  const values = JSON.parse((await variable.locator('#variable-values').textContent()) ?? '[]');
  expect(values).toEqual(expect.arrayContaining(['ai.memory.search', 'ai.memory.get']));
  const call = (await requests(page)).find((r) => r.url.includes('/resources/jaeger/operations'));
  expect(call?.url).toContain('service=agentmemory-demo');
});
