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

describe('DataSource filterQuery', () => {
  // The shared rules (contract/validate.ts): only an empty required field keeps a query home.
  const ds = new DataSource(settings({}));
  it('drops hidden and incomplete queries, and sends the others for the backend to judge', () => {
    expect(ds.filterQuery({ refId: 'A', expr: 'up' })).toBe(true);
    expect(ds.filterQuery({ refId: 'A', expr: 'up', hide: true })).toBe(false);
    expect(ds.filterQuery({ refId: 'A', expr: ' ' })).toBe(false);
    expect(ds.filterQuery({ refId: 'A', queryType: 'traces', service: '' })).toBe(false);
    expect(ds.filterQuery({ refId: 'A', queryType: 'traces', service: '$service' })).toBe(true);
    expect(ds.filterQuery({ refId: 'A', queryType: 'logs' })).toBe(true);
    // Too long: sent, so that the backend answers with the error naming the field.
    expect(ds.filterQuery({ refId: 'A', expr: 'x'.repeat(70_000) })).toBe(true);
  });
});
