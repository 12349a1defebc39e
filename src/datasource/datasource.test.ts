import { DataSource } from './datasource';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getTemplateSrv: () => ({ replace: (text: string) => text, getVariables: () => [] }),
}));

const settings = (jsonData: Record<string, unknown>) =>
  ({ id: 1, uid: 'am', name: 'Agent Memory', type: 'memstack-agentmemory-datasource', jsonData, meta: {} }) as any;

describe('DataSource interval', () => {
  // Grafana's query runner floors each panel's interval at this, as for its Prometheus data source.
  it('is the scrape interval setting, 15s by default', () => {
    expect(new DataSource(settings({ timeInterval: '1m' })).interval).toBe('1m');
    expect(new DataSource(settings({})).interval).toBe('15s');
  });
});
