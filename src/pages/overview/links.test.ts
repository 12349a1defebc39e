import { config } from '@grafana/runtime';
import { currentOrgId, exploreUrl } from './links';

const query = { queryType: 'metrics' as const, expr: 'up' };
const orgOf = (url: string) => new URLSearchParams(url.split('?')[1]).get('orgId');

describe('Explore links of the overview', () => {
  const savedBootData = config.bootData;
  afterEach(() => {
    config.bootData = savedBootData;
    window.history.replaceState(null, '', '/');
  });
  const signedInTo = (orgId: number | undefined) => {
    config.bootData = { ...savedBootData, user: { ...savedBootData?.user, orgId } } as typeof config.bootData;
  };

  it("stay in the user's organisation (org 2), not org 1", () => {
    signedInTo(2);
    expect(currentOrgId()).toBe(2);
    expect(orgOf(exploreUrl('agentmemory', query))).toBe('2');
  });

  it("use the page's orgId when the session does not say", () => {
    signedInTo(undefined);
    window.history.replaceState(null, '', '/a/memstack-agentmemory-app/overview?orgId=3');
    expect(orgOf(exploreUrl('agentmemory', query))).toBe('3');
  });

  it('leave orgId out when no organisation is known, so Grafana keeps the active one', () => {
    signedInTo(undefined);
    const url = exploreUrl('agentmemory', query);
    expect(orgOf(url)).toBeNull();
    expect(url.startsWith('/explore?')).toBe(true);
  });
});
