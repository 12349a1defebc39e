/**
 * @jest-environment-options {"customExportConditions": ["node", "require", "default"]}
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { lintAlertExpression } from '../promql/lint';
import { THRESHOLDS } from '@memstack/telemetry/signals';
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
import { ALERT_RULES, FOLDER_TITLE, PRODUCT_LABEL, percent, type AlertRuleSpec, type GuideRule } from './rules';
import { GUIDE_ROUTING, INHIBITION, PAGERDUTY_URL_ENV, POLICY, RECEIVERS, ROUTES, SECRET_ENV } from './routing';
import { TEMPLATE_NAME } from './texts';

const root = join(__dirname, '..', '..');

/** The rules that have a version in the guide, with it. */
type GuideVersioned = AlertRuleSpec & { guide: GuideRule };
const GUIDE_VERSIONED = ALERT_RULES.filter((r): r is GuideVersioned => r.guide !== undefined);
const read = (path: string) => readFileSync(join(root, path), 'utf8');

describe('generated alerting files', () => {
  it.each(Object.entries(renderAlertingFiles()))('%s is current (run npm run generate:alerting)', (path, text) => {
    expect(existsSync(join(root, path))).toBe(true);
    expect(read(path)).toBe(text);
  });
});

describe('the rules', () => {
  it('names the eleven rules of the guide and five of memory quality, each with a unique, valid uid', () => {
    expect(ALERT_RULES.filter((r) => r.group === 'memory-quality').map((r) => r.name)).toEqual([
      'MemoryChurnSpike',
      'MemoryEmptyAddFlood',
      'EmptyMemorySearches',
      'MemorySimilarityDrop',
      'StaleMemoryRecall',
    ]);
    expect(ALERT_RULES.filter((r) => !r.guide).map((r) => r.group)).toEqual(Array(5).fill('memory-quality'));
    expect(GUIDE_VERSIONED.map((r) => r.name).sort()).toEqual(
      [
        'AIAgentContextGrowthAnomaly',
        'AIAgentError',
        'CircuitBreakerOpen',
        'DatabaseConnectionPoolExhausted',
        'HighErrorRate',
        'HighHttpErrorRate',
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
  const runbookSection = (rule: string) => runbooks.split(/^## /m).find((s) => s.startsWith(`${rule}\n`)) ?? '';
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
      expect(runbookSection(name)).toMatch(/\*\*Check first\*\*/);
    }
  );

  it.each(ALERT_RULES.filter((r) => r.valueFormat === 'percent').map((r) => [r.name, r] as const))(
    '%s: its runbook says the threshold the rule fires at',
    (name, rule) => {
      const firedBecause = /\*\*Fired because\*\*([\s\S]*?)\n\n/.exec(runbookSection(name))?.[1] ?? '';
      // Said either way round: "under 70 % hits" or "more than 70 % duplicates" of a 30 % floor.
      const said = [percent(rule.threshold), percent(1 - rule.threshold)].filter((p) => firedBecause.includes(p));
      expect([name, said.length > 0]).toEqual([name, true]);
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
    const [policy] = parse(read(ALERTING_FILES.grafanaPolicies)).policies;
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

describe('thresholds (THRESHOLDS of @memstack/telemetry/signals)', () => {
  // Rule-level properties are indented four spaces in ALERT_RULES; the guide's own threshold six.
  const ruleThresholds = [...read('src/alerting/rules.ts').matchAll(/^ {4}threshold: (.+),$/gm)].map((m) => m[1]);

  it('every rule takes its threshold from THRESHOLDS, by name, never a number of its own', () => {
    expect(ruleThresholds).toHaveLength(ALERT_RULES.length);
    for (const written of ruleThresholds) {
      expect(written).toMatch(/^T\.\w+$/);
      expect(Object.keys(THRESHOLDS)).toContain(written.slice(2));
    }
    ALERT_RULES.forEach((rule, i) =>
      expect(rule.threshold).toBe(THRESHOLDS[ruleThresholds[i].slice(2) as keyof typeof THRESHOLDS])
    );
  });

  it('the Prometheus expressions compare with those thresholds', () => {
    for (const rule of ALERT_RULES.filter((r) => r.source.kind === 'metrics')) {
      expect(alertExpr(rule).endsWith(` ${rule.comparison === 'gt' ? '>' : '<'} ${rule.threshold}`)).toBe(true);
    }
  });
});

describe('Grafana annotations on no data and errors (Grafana: ALERT-NODATA-TEMPLATES)', () => {
  // tests/alerting/annotations expands them with Grafana's template expander; this checks the shape.
  const rules: Array<{ title: string; annotations: Record<string, string> }> = parse(
    read(ALERTING_FILES.grafanaRules)
  ).groups.flatMap((g: any) => g.rules);
  it.each(rules.map((r) => [r.title, r] as const))('%s reads $values.B only where it holds a number', (_, rule) => {
    for (const key of ['summary', 'description']) {
      const text = rule.annotations[key];
      // B missing, or B's value NaN (not equal to itself): the fallback, which reads neither.
      expect(text.startsWith('{{ with $values.B }}{{ if eq .Value .Value }}')).toBe(true);
      expect(text.endsWith('{{ end }}{{ else }}' + text.split('{{ else }}')[2])).toBe(true);
      expect(text.match(/\$values/g)).toHaveLength(1);
      for (const fallback of text.split('{{ else }}').slice(1)) {
        expect(fallback).not.toMatch(/\$labels|\.Value/);
      }
    }
  });
});

describe('one "Agent Memory" folder (Grafana: FILE-FOLDER-BY-TITLE, FILE-ORDER)', () => {
  it('the dashboard provider finds the folder by title, as the rules file names it; no folderUid', () => {
    const providers = parse(read('provisioning/dashboards/agent-memory.yaml')).providers;
    expect(providers).toHaveLength(1);
    expect(providers[0].folder).toBe(FOLDER_TITLE);
    expect(providers[0]).not.toHaveProperty('folderUid');
    for (const group of parse(read(ALERTING_FILES.grafanaRules)).groups) {
      expect(group.folder).toBe(FOLDER_TITLE);
      expect(group).not.toHaveProperty('folderUid');
    }
  });
});

describe('the notification policy tree in a file of its own (Grafana: FILE-POLICIES-REPLACE)', () => {
  const policiesText = read(ALERTING_FILES.grafanaPolicies);
  const notifications = parse(read(ALERTING_FILES.grafanaNotifications));

  it('lives at the path docker-compose.yml mounts, and says at its top that it replaces the whole tree', () => {
    expect(ALERTING_FILES.grafanaPolicies).toBe('provisioning/policies/agent-memory-notification-policies.yaml');
    const header = policiesText.split('\napiVersion:')[0];
    expect(header).toMatch(/REPLACES THE ORGANISATION'S WHOLE NOTIFICATION POLICY TREE/);
    expect(header.split('\n').every((line) => line.startsWith('#'))).toBe(true);
    expect(Object.keys(parse(policiesText))).toEqual(['apiVersion', 'policies']);
  });

  it('no file Grafana reads from provisioning/alerting/ holds a policy tree', () => {
    for (const path of Object.values(ALERTING_FILES).filter((p) => p.startsWith('provisioning/alerting/'))) {
      expect(parse(read(path))).not.toHaveProperty('policies');
      expect(parse(read(path))).not.toHaveProperty('resetPolicies');
    }
  });

  it('the rules and contact points stand without it; the tree routes only to contact points that exist', () => {
    expect(Object.keys(notifications)).toEqual(['apiVersion', 'templates', 'contactPoints']);
    const names = new Set(notifications.contactPoints.map((c: any) => c.name));
    const [tree] = parse(policiesText).policies;
    for (const receiver of [tree.receiver, ...tree.routes.map((r: any) => r.receiver)]) {
      expect(names).toContain(receiver);
    }
  });
});

describe('environment references (Grafana: FILE-ENV-EXPANSION, PAGERDUTY-DEFAULT-URL)', () => {
  const notifications = parse(read(ALERTING_FILES.grafanaNotifications));
  // Compose's own tags (`!override`) are not YAML's: read past them.
  const compose = parse(read('docker-compose.yml'), { logLevel: 'error' });
  const grafanaEnv: Record<string, string> = compose.services.grafana.environment;

  it('the PagerDuty integration posts to the URL in $PAGERDUTY_URL, not to its built-in default', () => {
    const pagerduty = notifications.contactPoints
      .flatMap((c: any) => c.receivers)
      .filter((r: any) => r.type === 'pagerduty');
    expect(pagerduty.length).toBeGreaterThan(0);
    for (const receiver of pagerduty) {
      expect(receiver.settings.url).toBe(`$${PAGERDUTY_URL_ENV}`);
    }
  });

  it('the compose stack defaults PAGERDUTY_URL to a loopback discard address, never to PagerDuty', () => {
    const value = grafanaEnv[PAGERDUTY_URL_ENV];
    const fallback = /^\$\{PAGERDUTY_URL:-(.+)\}$/.exec(value)?.[1];
    expect(fallback).toBeDefined();
    expect(new URL(fallback!).hostname).toBe('127.0.0.1');
    expect(value).not.toMatch(/pagerduty\.com/);
  });

  it('every $VAR the Grafana files use is plain $NAME (os.ExpandEnv has no :-default) and set by compose', () => {
    const files = [ALERTING_FILES.grafanaRules, ALERTING_FILES.grafanaNotifications, ALERTING_FILES.grafanaPolicies];
    const used = new Set<string>();
    for (const path of files) {
      const text = read(path);
      expect(text).not.toMatch(/\$\{[A-Z_]+:?[-=?+]/);
      for (const [, name] of text.matchAll(/\$\{?([A-Z][A-Z0-9_]*)\}?/g)) {
        used.add(name);
      }
    }
    expect([...used].sort()).toEqual([...Object.values(SECRET_ENV), PAGERDUTY_URL_ENV].sort());
    for (const name of used) {
      expect(Object.keys(grafanaEnv)).toContain(name);
    }
  });
});

describe('the guide (tests/alerting/guide/monitoring-guide.txt, a verbatim copy)', () => {
  const guide = read('tests/alerting/guide/monitoring-guide.txt');
  const block = (firstLine: string) => {
    const start = guide.indexOf(firstLine);
    expect(start).toBeGreaterThan(0);
    return parse(guide.slice(start, guide.indexOf('```', start)));
  };
  const guideRules = new Map<string, any>(
    block('# monitoring/prometheus/alerts/ai_agents.yml')
      .groups.flatMap((g: any) => g.rules)
      .map((r: any) => [r.alert, r])
  );
  const guideAlertmanager = block('# monitoring/alertmanager/config.yml');

  it('is the guide as given, unchanged', () => {
    const { createHash } = require('node:crypto');
    expect(createHash('sha256').update(guide).digest('hex')).toBe(
      'f1f380287e3dfe17bd9c31392784871a1742ae9051c67714252f885220a8aaaf'
    );
  });

  /** The guide's text as a JSON string holds it (its dashboards), or line by line (its YAML). */
  const quotedVerbatim = (text: string) =>
    guide.includes(JSON.stringify(text).slice(1, -1)) || text.split('\n').every((line) => guide.includes(line));

  it.each(GUIDE_VERSIONED.map((r) => [r.name, r] as const))('%s quotes the guide verbatim', (name, rule) => {
    expect(quotedVerbatim(rule.guide.expr)).toBe(true);
    if (rule.guide.from === 'prometheus-rules') {
      const quoted = guideRules.get(name);
      expect(rule.guide.expr).toBe(quoted.expr.trimEnd());
      expect(rule.guide.for).toBe(quoted.for);
      expect(rule.guide.severity).toBe(quoted.labels.severity);
      expect(rule.guide.team).toBe(quoted.labels.team);
      expect(rule.guide.expr.endsWith(` ${rule.guide.threshold}`)).toBe(true);
    } else {
      const at = [rule.guide.expr, JSON.stringify(rule.guide.expr).slice(1, -1)]
        .map((form) => guide.indexOf(form))
        .find((index) => index >= 0);
      const near = guide.slice(at, at! + 700);
      if (rule.guide.from === 'dashboard-alert') {
        expect(near).toContain(`"params": [${rule.guide.threshold}]`);
      } else {
        expect(near).toContain(`"severity" => "${rule.guide.severity}"`);
      }
    }
  });

  it('every rule of the guide has its rule here', () => {
    const quotedNames = GUIDE_VERSIONED.filter((r) => r.guide.from === 'prometheus-rules').map((r) => r.name);
    expect([...guideRules.keys()].sort()).toEqual(quotedNames.sort());
  });

  const differences = (rule: GuideVersioned): Array<keyof GuideRule['why']> => {
    const ours = rule.source.kind === 'metrics' ? alertExpr(rule) : undefined;
    const fields: Array<[keyof GuideRule['why'], boolean]> = [
      ['expr', ours !== rule.guide.expr],
      ['threshold', rule.threshold !== rule.guide.threshold],
      ['for', formatDuration(rule.forSeconds) !== rule.guide.for],
      ['severity', rule.severity !== rule.guide.severity],
      ['team', rule.team !== rule.guide.team],
    ];
    return fields.filter(([, differs]) => differs).map(([field]) => field);
  };

  it.each(GUIDE_VERSIONED.map((r) => [r.name, r] as const))(
    "%s gives a reason for each difference from the guide's threshold, for, severity, team and expression, and only for those",
    (_, rule) => {
      const differs = differences(rule);
      expect(Object.keys(rule.guide.why).sort()).toEqual(differs.sort());
      for (const field of differs) {
        expect(rule.guide.why[field]!.length).toBeGreaterThan(20);
      }
    }
  );

  it("gives a reason for each difference from the guide's routing timing, grouping and inhibition", () => {
    const route = guideAlertmanager.route;
    const guideValues: Record<keyof typeof GUIDE_ROUTING, unknown> = {
      groupBy: route.group_by,
      groupWait: route.group_wait,
      groupInterval: route.group_interval,
      repeatInterval: route.repeat_interval,
      inhibitEqual: guideAlertmanager.inhibit_rules[0].equal,
    };
    const ours: Record<keyof typeof GUIDE_ROUTING, unknown> = {
      groupBy: POLICY.groupBy,
      groupWait: formatDuration(POLICY.groupWaitSeconds),
      groupInterval: formatDuration(POLICY.groupIntervalSeconds),
      repeatInterval: formatDuration(POLICY.repeatIntervalSeconds),
      inhibitEqual: INHIBITION.equal,
    };
    for (const key of Object.keys(GUIDE_ROUTING) as Array<keyof typeof GUIDE_ROUTING>) {
      expect(guide).toContain(GUIDE_ROUTING[key].guide);
      expect(GUIDE_ROUTING[key].guide).toContain(String(guideValues[key]).split(',')[0]);
      expect(ours[key]).not.toEqual(guideValues[key]);
      expect(GUIDE_ROUTING[key].why.length).toBeGreaterThan(20);
    }
  });
});
