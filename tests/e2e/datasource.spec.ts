import { test, expect } from '@grafana/plugin-e2e';
import { testIds } from '../../src/components/testIds';
import { COMPOSE_URLS } from './compose';

test('the config editor saves all three URLs and save & test reaches every source of the compose stack', async ({
  createDataSourceConfigPage,
  page,
}) => {
  const configPage = await createDataSourceConfigPage({ type: 'memstack-agentmemory-datasource' });
  for (const [source, url] of Object.entries(COMPOSE_URLS)) {
    await page.getByTestId(testIds.datasource.configUrl(source)).fill(url);
  }
  await expect(configPage.saveAndTest()).toBeOK();
  await expect(configPage).toHaveAlert('success', {
    hasText: /Prometheus .* answered.*Elasticsearch .* answered.*Jaeger answered/,
  });
});
