import type * as alerting from '@grafana/grafana-foundation-sdk/alerting';
import { planInstall, isOurSubtree, type GrafanaState, type InstallOptions, type PlannedRequest } from './installer';

const options: InstallOptions = {
  datasourceUid: 'agentmemory',
  folderUid: 'agent-memory',
  folderTitle: 'Agent Memory',
  secrets: { slackWebhookUrl: 'https://example.invalid/slack', pagerdutyRoutingKey: 'key' },
};

const userRoute: alerting.NotificationPolicy = { receiver: 'db-oncall', object_matchers: [['team', '=', 'db']] };

function freshGrafana(): GrafanaState {
  return {
    datasource: { uid: 'agentmemory', type: 'memstack-agentmemory-datasource', name: 'Agent Memory' },
    rules: [],
    groups: {},
    contactPoints: [{ uid: 'x', name: 'db-oncall', type: 'email', settings: { addresses: 'db@example.invalid' } }],
    templates: [],
    policies: { receiver: 'grafana-default-email', routes: [userRoute] },
  };
}

/** What Grafana would hold after the requests (enough of its behaviour for a second plan). */
function applied(state: GrafanaState, requests: PlannedRequest[]): GrafanaState {
  const next: GrafanaState = JSON.parse(JSON.stringify(state));
  for (const r of requests) {
    const body = r.body as any;
    if (r.url === '/api/folders') {
      next.folder = { uid: body.uid, title: body.title };
    } else if (r.url.startsWith('/api/v1/provisioning/templates/')) {
      next.templates = [{ name: r.url.split('/').pop(), template: body.template, version: 'v1' }];
    } else if (r.url.startsWith('/api/v1/provisioning/contact-points')) {
      // Grafana answers secrets redacted
      const redacted = { ...body, settings: { ...body.settings, ...(body.settings.url ? { url: '[REDACTED]' } : {}) } };
      next.contactPoints = [...next.contactPoints.filter((c) => c.uid !== body.uid), redacted];
    } else if (r.url.includes('/rule-groups/')) {
      next.groups[body.title] = body;
      next.rules = [...next.rules.filter((x) => x.ruleGroup !== body.title), ...body.rules];
    } else if (r.url === '/api/v1/provisioning/policies') {
      next.policies = body;
    }
  }
  return next;
}

describe('the alert installer plan', () => {
  it('on a fresh Grafana creates the folder, template, contact points, five groups and adds our routes first', () => {
    const plan = planInstall(freshGrafana(), options);
    expect(plan.blockers).toEqual([]);
    expect(plan.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
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
    expect(plan.skipped).toEqual([expect.stringContaining('webhook URL')]);
    const tree = plan.requests.at(-1)!.body as alerting.NotificationPolicy;
    expect(tree.receiver).toBe('grafana-default-email');
    expect(isOurSubtree(tree.routes![0])).toBe(true);
    expect(tree.routes![1]).toEqual(userRoute);
  });

  it('is idempotent: after applying, a second plan has no request', () => {
    const first = planInstall(freshGrafana(), options);
    const second = planInstall(applied(freshGrafana(), first.requests), { ...options, secrets: {} });
    expect(second.requests).toEqual([]);
    expect(second.unchanged).toHaveLength(1 + 1 + 5 + 5 + 1);
  });

  it('updates only what differs; our subtree is replaced where the admin put it', () => {
    const state = applied(freshGrafana(), planInstall(freshGrafana(), options).requests);
    state.groups.resilience!.rules![0].for = '10m';
    // The admin moved our subtree after their own route and changed its timing.
    const ours = state.policies.routes!.find(isOurSubtree)!;
    state.policies.routes = [userRoute, { ...ours, group_wait: '1m' }];
    const plan = planInstall(state, { ...options, secrets: {} });
    expect(plan.requests.map((r) => r.url)).toEqual([
      '/api/v1/provisioning/folder/agent-memory/rule-groups/resilience',
      '/api/v1/provisioning/policies',
    ]);
    const tree = plan.requests[1].body as alerting.NotificationPolicy;
    expect(tree.routes![0]).toEqual(userRoute);
    expect(tree.routes![1]).toEqual(ours);
  });

  it('leaves our subtree where the admin moved it when its content is ours', () => {
    const state = applied(freshGrafana(), planInstall(freshGrafana(), options).requests);
    state.policies.routes = [userRoute, ...state.policies.routes!.filter(isOurSubtree)];
    expect(planInstall(state, { ...options, secrets: {} }).requests).toEqual([]);
  });

  it('without secrets creates no contact point and routes to none that does not exist', () => {
    const plan = planInstall(freshGrafana(), { ...options, secrets: {} });
    expect(plan.requests.filter((r) => r.url.includes('contact-points'))).toEqual([]);
    expect(plan.skipped).toHaveLength(6);
    const subtree = (plan.requests.at(-1)!.body as alerting.NotificationPolicy).routes![0];
    expect(subtree.receiver).toBeUndefined();
    expect(subtree.routes).toEqual([]);
  });

  it('stops with what to do for a missing data source, one of another type, and a rule uid used elsewhere', () => {
    expect(planInstall({ ...freshGrafana(), datasource: undefined }, options).blockers).toEqual([
      expect.stringMatching(/No data source with uid "agentmemory": add an Agent Memory data source/),
    ]);
    expect(
      planInstall({ ...freshGrafana(), datasource: { uid: 'agentmemory', type: 'prometheus', name: 'Prom' } }, options)
        .blockers
    ).toEqual([expect.stringMatching(/is of type prometheus/)]);
    const conflict = planInstall(
      {
        ...freshGrafana(),
        rules: [{ uid: 'agentmemory-high-error-rate', folderUID: 'legacy', ruleGroup: 'old' } as alerting.Rule],
      },
      options
    );
    expect(conflict.blockers).toEqual([
      expect.stringMatching(
        /Rule uid "agentmemory-high-error-rate" \(HighErrorRate\) already exists in folder legacy, group "old"/
      ),
    ]);
  });

  it('stops when the rules or the policy tree come from provisioning files, which the API cannot change', () => {
    const plan = planInstall(
      {
        ...freshGrafana(),
        rules: [
          {
            uid: 'agentmemory-high-error-rate',
            folderUID: 'agent-memory',
            ruleGroup: 'memory-operations',
            provenance: 'file',
          } as alerting.Rule,
        ],
        policies: { ...freshGrafana().policies, provenance: 'file' },
      },
      options
    );
    expect(plan.blockers).toEqual([
      expect.stringMatching(/^1 of the rules are provisioned from files \(provenance "file"/),
      expect.stringMatching(/^The notification policy tree is provisioned from a file/),
    ]);
  });
});
