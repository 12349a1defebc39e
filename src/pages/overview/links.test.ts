import { exploreUrl } from './links';

const query = { queryType: 'metrics' as const, expr: 'up' };

describe('Explore links of the overview', () => {
  it("stay in the user's active organisation: no orgId, which Grafana would switch to", () => {
    const url = exploreUrl('agentmemory', query);
    expect(url.startsWith('/explore?')).toBe(true);
    const params = new URLSearchParams(url.split('?')[1]);
    expect(params.has('orgId')).toBe(false);
    expect(JSON.parse(params.get('panes')!).a.datasource).toBe('agentmemory');
  });
});
