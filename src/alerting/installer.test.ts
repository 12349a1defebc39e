import type * as alerting from '@grafana/grafana-foundation-sdk/alerting';
import {
  asGrafanaStores,
  explainChangedSinceReview,
  explainFailure,
  isOurSubtree,
  planInstall,
  unchangedSinceReview,
  type GrafanaState,
  type InstallOptions,
  type PlannedRequest,
} from './installer';

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

/**
 * What Grafana would hold after the requests, written with X-Disable-Provenance: stored as Grafana
 * stores them (asGrafanaStores: PreSave, omitempty routes, trimmed template), secrets redacted.
 */
function applied(state: GrafanaState, requests: PlannedRequest[]): GrafanaState {
  const next: GrafanaState = JSON.parse(JSON.stringify(state));
  for (const r of requests) {
    const body = JSON.parse(JSON.stringify(r.body));
    if (r.url === '/api/folders') {
      next.folder = { uid: body.uid, title: body.title };
    } else if (r.url.startsWith('/api/v1/provisioning/templates/')) {
      const name = r.url.split('/').pop()!;
      const template = asGrafanaStores({ kind: 'template', name, value: body.template });
      next.templates = [{ name, template, version: `v-${template.length}` }];
    } else if (r.url.startsWith('/api/v1/provisioning/contact-points')) {
      const redacted = { ...body, settings: { ...body.settings, ...(body.settings.url ? { url: '[REDACTED]' } : {}) } };
      next.contactPoints = [...next.contactPoints.filter((c) => c.uid !== body.uid), redacted];
    } else if (r.url.includes('/rule-groups/')) {
      const group = asGrafanaStores({ kind: 'ruleGroup', value: body });
      next.groups[body.title] = group;
      next.rules = [...next.rules.filter((x) => x.ruleGroup !== body.title), ...group.rules!];
    } else if (r.url === '/api/v1/provisioning/policies') {
      const { provenance: _provenance, ...tree } = asGrafanaStores({ kind: 'route', value: body });
      next.policies = tree;
    }
  }
  return next;
}

const installed = () => applied(freshGrafana(), planInstall(freshGrafana(), options).requests);

describe('what Grafana stores for what the installer sends (asGrafanaStores)', () => {
  it('rule queries (API-RULE-PRESAVE): queryType from the model, intervalMs and maxDataPoints where missing or 0', () => {
    const group = asGrafanaStores({
      kind: 'ruleGroup',
      value: {
        title: 'g',
        rules: [
          {
            data: [
              { refId: 'A', model: { queryType: 'metrics', expr: 'up' } as any },
              { refId: 'B', queryType: 'kept', model: { type: 'reduce', intervalMs: 0, maxDataPoints: 500 } as any },
            ],
          } as alerting.Rule,
        ],
      },
    });
    const [a, b] = group.rules![0].data;
    expect(a).toEqual({
      refId: 'A',
      queryType: 'metrics',
      model: { queryType: 'metrics', expr: 'up', intervalMs: 1000, maxDataPoints: 43200 },
    });
    expect(b).toEqual({
      refId: 'B',
      queryType: 'kept',
      model: { type: 'reduce', intervalMs: 1000, maxDataPoints: 500 },
    });
  });

  it('routes (API-ROUTE-CONTINUE): no continue: false, no empty lists or receiver, at every level', () => {
    expect(
      asGrafanaStores({
        kind: 'route',
        value: {
          receiver: '',
          object_matchers: [['a', '=', 'b']],
          continue: false,
          group_by: [],
          routes: [
            { receiver: 'x', continue: true, routes: [] },
            { receiver: 'y', continue: false },
          ],
        },
      })
    ).toEqual({ object_matchers: [['a', '=', 'b']], routes: [{ receiver: 'x', continue: true }, { receiver: 'y' }] });
  });

  it('templates (API-TEMPLATE-TRIM): trimmed, and wrapped in a define of their name when they have none', () => {
    expect(asGrafanaStores({ kind: 'template', name: 't', value: '\n{{  define "t.x" }}X{{ end }}\n\n' })).toBe(
      '{{  define "t.x" }}X{{ end }}'
    );
    expect(asGrafanaStores({ kind: 'template', name: 't', value: 'Hello\n{{ .Status }}\n' })).toBe(
      '{{ define "t" }}\n  Hello\n  {{ .Status }}\n{{ end }}'
    );
  });
});

describe('the alert installer plan', () => {
  it('on a fresh Grafana creates the folder, template, contact points, six groups and adds our routes first', () => {
    const plan = planInstall(freshGrafana(), options);
    expect(plan.blockers).toEqual([]);
    expect(plan.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /api/folders',
      'PUT /api/v1/provisioning/templates/agentmemory',
      ...Array(5).fill('POST /api/v1/provisioning/contact-points'),
      'PUT /api/v1/provisioning/folder/agent-memory/rule-groups/memory-operations',
      'PUT /api/v1/provisioning/folder/agent-memory/rule-groups/resilience',
      'PUT /api/v1/provisioning/folder/agent-memory/rule-groups/agent-behaviour',
      'PUT /api/v1/provisioning/folder/agent-memory/rule-groups/memory-quality',
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

  it('is idempotent against what Grafana stores: after applying, a second plan has no request', () => {
    const first = planInstall(freshGrafana(), options);
    const second = planInstall(applied(freshGrafana(), first.requests), { ...options, secrets: {} });
    expect(second.requests).toEqual([]);
    expect(second.unchanged).toHaveLength(1 + 1 + 5 + 6 + 1);
  });

  it('updates only what differs; our subtree is replaced where the admin put it', () => {
    const state = installed();
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
    expect(asGrafanaStores({ kind: 'route', value: tree.routes![1] })).toEqual(ours);
  });

  it('leaves our subtree where the admin moved it when its content is ours', () => {
    const state = installed();
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

  it('stops before the first write when Grafana would refuse a provenance move, saying what to do (API-PROVENANCE)', () => {
    const fromFiles = planInstall(
      {
        ...freshGrafana(),
        rules: [
          {
            uid: 'agentmemory-high-error-rate',
            title: 'HighErrorRate',
            folderUID: 'agent-memory',
            ruleGroup: 'memory-operations',
            provenance: 'file',
          } as alerting.Rule,
        ],
        policies: { ...freshGrafana().policies, provenance: 'file' },
      },
      options
    );
    expect(fromFiles.blockers).toEqual([
      expect.stringMatching(
        /^Provisioned from files \(provenance "file".*\): rule "HighErrorRate" \(agentmemory-high-error-rate\); the notification policy tree\. /
      ),
    ]);
    // Removing the files removes nothing (FILE-REMOVAL): the advice names the keys that do.
    expect(fromFiles.blockers[0]).toContain('removing the files does not remove what they created');
    expect(fromFiles.blockers[0]).toContain('deleteRules');
    expect(fromFiles.blockers[0]).toContain('resetPolicies');

    // Written by Terraform or a script (provenance "api"): refused for templates, contact points and
    // the policy tree; a rule group may move api → none.
    const state = installed();
    state.templates = state.templates.map((t) => ({ ...t, template: 'changed by terraform', provenance: 'api' }));
    state.contactPoints = state.contactPoints.map((c) => ({ ...c, provenance: 'api' }));
    state.policies = { ...state.policies, routes: [userRoute], provenance: 'api' };
    state.groups.resilience!.rules = state.groups.resilience!.rules!.map((r) => ({
      ...r,
      for: '1m',
      provenance: 'api',
    }));
    const fromApi = planInstall(state, { ...options, secrets: { pagerdutyRoutingKey: 'new-key' } });
    expect(fromApi.blockers).toEqual([
      'Managed through the provisioning API by another client (provenance "api", e.g. Terraform or a script): notification template "agentmemory"; contact point "agent-memory-critical" (pagerduty); the notification policy tree. ' +
        "Grafana refuses to make them editable in its UI from here. Keep managing them with that client, or delete them with it (the policy tree: DELETE /api/v1/provisioning/policies without X-Disable-Provenance resets it to Grafana's default), then run the installer again.",
    ]);
  });

  it('does not block on a provenance it will not write', () => {
    const state = installed();
    state.templates = state.templates.map((t) => ({ ...t, provenance: 'api' }));
    state.contactPoints = state.contactPoints.map((c) => ({ ...c, provenance: 'file' }));
    expect(planInstall(state, { ...options, secrets: {} })).toEqual(
      expect.objectContaining({ requests: [], blockers: [] })
    );
  });

  it('keeps the rules a user added to one of its groups, and compares the group without them (API-RULEGROUP-REPLACE)', () => {
    const state = installed();
    const theirs = {
      id: 7,
      uid: 'my-own-check',
      title: 'MyOwnCheck',
      folderUID: 'agent-memory',
      ruleGroup: 'resilience',
      updated: '2026-01-01T00:00:00Z',
      provenance: 'api',
      notification_settings: { receiver: 'db-oncall' },
    } as unknown as alerting.Rule;
    state.groups.resilience!.rules!.push(theirs);
    expect(planInstall(state, { ...options, secrets: {} }).requests).toEqual([]);

    state.groups.resilience!.rules![0].for = '10m';
    const [put] = planInstall(state, { ...options, secrets: {} }).requests;
    expect(put.summary).toMatch(/^rule group "resilience" \(.*\); your 1 other rule\(s\) in it kept$/);
    const sent = (put.body as alerting.RuleGroup).rules!;
    const { id: _id, updated: _updated, provenance: _provenance, ...asSent } = theirs as any;
    expect(sent.at(-1)).toEqual(asSent);
    expect(put.precondition).toEqual({ url: put.url, held: state.groups.resilience, what: 'rule group "resilience"' });
  });

  it('checks again before writing that the policy tree and rule groups are as reviewed (API-POLICY-PUT-REPLACE)', () => {
    const plan = planInstall(freshGrafana(), options);
    const policies = plan.requests.at(-1)!;
    expect(policies.precondition).toEqual({
      url: '/api/v1/provisioning/policies',
      held: freshGrafana().policies,
      what: 'notification policy tree',
    });
    const held = policies.precondition!;
    expect(unchangedSinceReview(held, { routes: [userRoute], receiver: 'grafana-default-email' })).toBe(true);
    expect(unchangedSinceReview(held, { ...freshGrafana().policies, routes: [] })).toBe(false);
    const group = plan.requests.find((r) => r.url.endsWith('/rule-groups/resilience'))!;
    expect(unchangedSinceReview(group.precondition!, undefined)).toBe(true);
    expect(explainChangedSinceReview(held, 0)).toBe(
      'The notification policy tree changed in Grafana since Review (someone or something edited it). Applying would replace it whole and lose that change, so it was not written. Nothing was written. Click "Review changes" again, then Apply.'
    );
    expect(explainChangedSinceReview(held, 3)).toContain('The 3 change(s) before it were applied.');
  });

  it('explains a refused provenance move apart from missing permissions, both 403', () => {
    const request = { method: 'PUT', url: '/api/v1/provisioning/policies', summary: 'policies' };
    expect(
      explainFailure(
        request,
        403,
        "Resource with provenance status 'api' cannot be managed via API that handles resources with provenance status 'none'."
      )
    ).toContain('Grafana refused to change who manages it');
    expect(explainFailure(request, 403, 'Permissions needed: alert.provisioning:write')).toContain(
      'Installing needs the alerting provisioning permissions'
    );
  });
});
