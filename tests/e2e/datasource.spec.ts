import { test, expect } from '@grafana/plugin-e2e';
import { testIds } from '../../src/components/testIds';

test('the data source config editor saves and its health check names Prometheus', async ({
  createDataSourceConfigPage,
  page,
}) => {
  const configPage = await createDataSourceConfigPage({ type: 'memstack-agentmemory-datasource' });
  await page
    .getByTestId(testIds.datasource.configUrl('prometheus'))
    .fill(process.env.E2E_PROMETHEUS_URL ?? 'http://host.docker.internal:9090');
  await expect(configPage.saveAndTest()).toBeOK();
  await expect(configPage).toHaveAlert('success', { hasText: /Prometheus/ });
});
