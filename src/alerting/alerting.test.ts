/**
 * @jest-environment-options {"customExportConditions": ["node", "require", "default"]}
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { lintAlertExpression } from '../dashboards/lint';
import { formatDuration } from './durations';
import { renderAlertingFiles, ALERTING_FILES } from './files';
import {
  apiContactPoints,
  apiPolicySubtree,
  apiRuleGroups,
  contactPointName,
  fileNotifications,
  fileRuleGroups,
  PROVISIONED_DATASOURCE_UID,
} from './grafana';
import { alertExpr, alertmanagerConfig, prometheusRuleFile } from './prometheus';
import { ALERT_RULES, PRODUCT_LABEL } from './rules';
import { RECEIVERS, ROUTES } from './routing';
import { TEMPLATE_NAME } from './texts';

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

describe('generated alerting files', () => {
  it.each(Object.entries(renderAlertingFiles()))('%s is current (run npm run generate:alerting)', (path, text) => {
    expect(existsSync(join(root, path))).toBe(true);
    expect(read(path)).toBe(text);
  });
});

describe('the rules', () => {
  it('names the ten rules of the guide, each with a unique, valid uid', () => {
    expect(ALERT_RULES.map((r) => r.name).sort()).toEqual(
      [
        'AIAgentContextGrowthAnomaly',
        'AIAgentError',
        'CircuitBreakerOpen',
        'DatabaseConnectionPoolExhausted',
        'HighErrorRate',
        'HighMemoryOperationLatency',
        'HighMemoryUsage',
        'LowCacheHitRatio',
        'MemoryConsolidationBacklog',
        'ServiceDegraded',
      ].sort()
    );
    const uids = ALERT_RULES.map((r) => r.uid);
    expect(new Set(uids).size).toBe(uids.length);
    uids.forEach((uid) => expect(uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/));
  });

  it.each(ALERT_RULES.filter((r) => r.source.kind === 'metrics').map((r) => [r.name, r] as const))(
    '%s: its PromQL parses, names catalog metrics and labels, and reads each metric by its type',
    (name) => {
      const rule = ALERT_RULES.find((r) => r.name === name)!;
      expect(lintAlertExpression(alertExpr(rule), name)).toEqual([]);
    }
  );

  it('the PromQL check catches a rule reading a histogram without le (it would fail without the check)', () => {
    expect(
      lintAlertExpression('histogram_quantile(0.95, rate(ai_memory_operation_duration_seconds_bucket[5m])) > 0.5', 'x')
    ).toEqual([expect.objectContaining({ rule: 'target-counter-agg-rule' })]);
    expect(lintAlertExpression('ai_no_such_metric > 1', 'x')).not.toEqual([]);
  });

  const runbooks = read('docs/runbooks.md');
  const anchors = new Set(
    [...runbooks.matchAll(/^## (.+)$/gm)].map((m) =>
      m[1]
        .toLowerCase()
        .replace(/[^a-z0-9 -]/g, '')
        .replace(/ /g, '-')
    )
  );
  it.each(ALERT_RULES.map((r) => [r.name, r.runbook] as const))(
    '%s links to a runbook section that exists and says what to check first',
    (name, anchor) => {
      expect(anchors).toContain(anchor);
      const section = runbooks.split(/^## /m).find((s) => s.startsWith(`${name}\n`));
      expect(section).toMatch(/\*\*Check first\*\*/);
    }
  );

  it('texts use only labels the expression keeps', () => {
    for (const rule of ALERT_RULES.filter((r) => r.source.kind === 'metrics')) {
      const expr = alertExpr(rule);
      for (const [, label] of `${rule.summary} ${rule.description}`.matchAll(/\$labels\.(\w+)/g)) {
        // Aggregations keep only their `by` labels; a bare selector keeps all of the series'.
        const by = [...expr.matchAll(/by \(([^)]*)\)/g)].map((m) => m[1]);
        const kept =
          by.length === 0 || by.some((list) => list.split(/,\s*/).includes(label)) || /group_left/.test(expr);
        expect([rule.name, label, kept]).toEqual([rule.name, label, true]);
      }
    }
  });
});

describe('Grafana file provisioning (apiVersion 1)', () => {
  const file = parse(read(ALERTING_FILES.grafanaRules));
  const datasources = parse(read('provisioning/datasources/agentmemory.yml'));

  it('puts every rule in the Agent Memory folder, in groups with a duration interval', () => {
    expect(file.apiVersion).toBe(1);
    for (const group of file.groups) {
      expect(group).toEqual(
        expect.objectContaining({
          orgId: 1,
          folder: 'Agent Memory',
          name: expect.any(String),
          interval: expect.stringMatching(/^\d+[smh]$/),
        })
      );
    }
    expect(
      file.groups
        .flatMap((g: any) => g.rules)
        .map((r: any) => r.title)
        .sort()
    ).toEqual(ALERT_RULES.map((r) => r.name).sort());
  });

  it('uses the file format field names, not the API ones', () => {
    for (const rule of file.groups.flatMap((g: any) => g.rules)) {
      expect(Object.keys(rule).sort()).toEqual(
        [
          'annotations',
          'condition',
          'data',
          'execErrState',
          'for',
          'isPaused',
          'labels',
          'noDataState',
          'title',
          'uid',
        ].sort()
      );
      expect(rule).not.toHaveProperty('folderUID');
      expect(rule).not.toHaveProperty('keep_firing_for');
    }
  });

  it('every datasourceUid resolves to the provisioned data source or to expressions, and every reference to a query', () => {
    const ours = datasources.datasources.find((d: any) => d.type === 'memstack-agentmemory-datasource').uid;
    expect(ours).toBe(PROVISIONED_DATASOURCE_UID);
    for (const rule of file.groups.flatMap((g: any) => g.rules)) {
      const refIds: string[] = [];
      for (const q of rule.data) {
        expect([ours, '__expr__']).toContain(q.datasourceUid);
        if (q.datasourceUid === '__expr__') {
          expect(refIds).toContain(q.model.expression);
        } else {
          expect(q.model.datasource).toEqual({ type: 'memstack-agentmemory-datasource', uid: ours });
          expect(q.relativeTimeRange.from).toBeGreaterThan(q.relativeTimeRange.to);
        }
        refIds.push(q.refId);
      }
      expect(refIds).toContain(rule.condition);
    }
  });

  it('chooses execErrState Error (not the file default Alerting) and noDataState per rule', () => {
    for (const rule of file.groups.flatMap((g: any) => g.rules)) {
      expect(rule.execErrState).toBe('Error');
      expect(['OK', 'NoData']).toContain(rule.noDataState);
    }
  });

  it('labels every rule with severity, team and the product matcher, never __grafana_origin', () => {
    for (const rule of file.groups.flatMap((g: any) => g.rules)) {
      expect(rule.labels).toEqual({
        severity: expect.stringMatching(/^(critical|warning)$/),
        team: expect.stringMatching(/^(ai-team|infra-team)$/),
        [PRODUCT_LABEL.name]: PRODUCT_LABEL.value,
      });
      expect(JSON.stringify(rule)).not.toContain('__grafana_origin');
    }
  });

  const notifications = parse(read(ALERTING_FILES.grafanaNotifications));
  it('takes every secret from the environment and none from the file', () => {
    for (const cp of notifications.contactPoints) {
      for (const r of cp.receivers) {
        const secret = r.settings.url ?? r.settings.integrationKey;
        expect(secret).toMatch(/^\$[A-Z_]+$/);
      }
    }
    expect(read(ALERTING_FILES.grafanaNotifications)).not.toMatch(/hooks\.slack\.com|events\.pagerduty/);
  });

  it('routes critical first with continue, then the teams; every receiver and template exists', () => {
    const [policy] = notifications.policies;
    const names = new Set(notifications.contactPoints.map((c: any) => c.name));
    expect(names).toEqual(new Set(RECEIVERS.map((r) => contactPointName(r.name))));
    expect(names).toContain(policy.receiver);
    expect(policy.routes.map((r: any) => [r.receiver, r.object_matchers, r.continue])).toEqual([
      ['agent-memory-critical', [['severity', '=', 'critical']], true],
      ['agent-memory-ai-team', [['team', '=', 'ai-team']], false],
      ['agent-memory-infra-team', [['team', '=', 'infra-team']], false],
    ]);
    expect(notifications.templates.map((t: any) => t.name)).toEqual([TEMPLATE_NAME]);
    const used = JSON.stringify(notifications.contactPoints).match(/template \\"(\w+)\./g) ?? [];
    expect(new Set(used.map((u) => u.replace(/template \\"|\./g, '')))).toEqual(new Set([TEMPLATE_NAME]));
  });
});

describe('Grafana provisioning HTTP API shapes (the installer)', () => {
  const groups = apiRuleGroups({ datasourceUid: 'picked-by-admin', folderUid: 'my-folder' });

  it('groups carry title, folderUid and the interval in seconds; rules the API field names', () => {
    for (const group of groups) {
      expect(group).toEqual(
        expect.objectContaining({ title: expect.any(String), folderUid: 'my-folder', interval: expect.any(Number) })
      );
      for (const rule of group.rules!) {
        expect(rule).toEqual(
          expect.objectContaining({
            orgID: 1,
            folderUID: 'my-folder',
            ruleGroup: group.title,
            title: expect.any(String),
            condition: 'C',
            noDataState: expect.any(String),
            execErrState: 'Error',
            for: expect.stringMatching(/^\d+[smh]$/),
          })
        );
        expect(rule.data[0].datasourceUid).toBe('picked-by-admin');
      }
    }
  });

  it('creates only the integrations whose secret the admin typed', () => {
    expect(apiContactPoints({})).toEqual([]);
    const slackOnly = apiContactPoints({ slackWebhookUrl: 'https://example.invalid/hook' });
    expect(slackOnly.map((c) => c.type)).toEqual(['slack', 'slack', 'slack', 'slack']);
    expect(apiContactPoints({ slackWebhookUrl: 'u', pagerdutyRoutingKey: 'k', webhookUrl: 'w' })).toHaveLength(6);
  });

  it('the policy subtree matches the product label and routes only to receivers that exist', () => {
    const subtree = apiPolicySubtree(new Set(['critical', 'ai-team']));
    expect(subtree.object_matchers).toEqual([[PRODUCT_LABEL.name, '=', PRODUCT_LABEL.value]]);
    expect(subtree.receiver).toBeUndefined();
    expect(subtree.routes!.map((r) => r.receiver)).toEqual(['agent-memory-critical', 'agent-memory-ai-team']);
  });
});

describe('Prometheus rule file and Alertmanager configuration', () => {
  it('holds every rule with a PromQL form with the same for, labels and texts', () => {
    const rules = prometheusRuleFile().groups.flatMap((g) => g.rules);
    const metricRules = ALERT_RULES.filter((r) => r.source.kind === 'metrics');
    expect(rules.map((r) => r.alert)).toEqual(metricRules.map((r) => r.name));
    rules.forEach((r, i) => expect(r.for).toBe(formatDuration(metricRules[i].forSeconds)));
  });

  it('routes like Grafana: same receivers, critical first with continue', () => {
    const config = alertmanagerConfig();
    expect(config.receivers.map((r) => r.name)).toEqual(RECEIVERS.map((r) => r.name));
    expect(config.route.routes.map((r) => r.receiver)).toEqual(ROUTES.map((r) => r.receiver));
    expect(config.route.routes[0].continue).toBe(true);
  });

  it('divides every duration by the time scale, keeping rate windows at 4 s or more', () => {
    const scaled = prometheusRuleFile({ timeScale: 10 }).groups.flatMap((g) => g.rules);
    expect(scaled.find((r) => r.alert === 'MemoryConsolidationBacklog')!.for).toBe('90s');
    expect(scaled.find((r) => r.alert === 'HighErrorRate')!.expr).toContain('[30s]');
    expect(prometheusRuleFile({ timeScale: 1000 }).groups[0].rules[0].expr).toContain('[4s]');
    expect(fileRuleGroups({ datasourceUid: 'x', timeScale: 10 }).groups[0].interval).toBe('6s');
  });
});

describe('notifications without secrets in the provisioning file', () => {
  it('writes $VAR references that Grafana expands from its environment', () => {
    const text = JSON.stringify(fileNotifications());
    expect(text).toContain('$SLACK_WEBHOOK_URL');
    expect(text).toContain('$PAGERDUTY_ROUTING_KEY');
    expect(text).toContain('$AGENTMEMORY_WEBHOOK_URL');
  });
});
