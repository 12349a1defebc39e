import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formattedValueToString, getValueFormat } from '@grafana/data';
import {
  ALL_METRICS,
  COMPONENT_HEALTH_VALUES,
  MIN_COUNTING_STEP,
  OTHER_LABEL_VALUE,
  SCRAPE_INTERVAL_SECONDS,
  THRESHOLDS,
} from '@memstack/telemetry/signals';
import { HealthChecker } from '../../telemetry/src/health';
import { ALERT_RULES, ruleValueExpr } from '../alerting/rules';
import { DATASOURCE_PLUGIN_ID } from '../constants';
import { BYTES_PER_HOUR } from './aiAgentPatterns';
import { DASHBOARD_UIDS, DATASOURCE_VARIABLE } from './common';
import { BUNDLED, dashboardPath } from './index';
import { lintDashboard, type LintContext, type RuleName } from './lint.testutil';
import { renderDashboard, withDashboardIncludes } from './render';

const ruleNamed = (name: string) => ALERT_RULES.find((r) => r.name === name)!;

const src = join(__dirname, '..');

interface Include {
  type: string;
  path: string;
  uid?: string;
  addToNav?: boolean;
}

/**
 * The app navigation link Grafana makes of an include: a dashboard with addToNav, only through
 * its uid (`Includes.DashboardURLPath()` is "" without one, and navtree skips it).
 * Grafana: APP-NAV-UID (docs/grafana-behaviour.md)
 */
const appNavUrl = (include: Include) =>
  include.type === 'dashboard' && include.addToNav && include.uid ? `/d/${include.uid}` : undefined;
const committed = (uid: string) => readFileSync(join(src, `dashboards/${uid}.json`), 'utf8');
const ctx: LintContext = {
  datasourceType: DATASOURCE_PLUGIN_ID,
  datasourceVariable: DATASOURCE_VARIABLE,
  bundledUids: BUNDLED.map((d) => d.uid),
};

describe('bundled dashboards', () => {
  it.each(BUNDLED.map((d) => d.uid))('%s is generated from the current code (npm run generate:dashboards)', (uid) => {
    const text = committed(uid);
    expect(renderDashboard(uid, text)).toBe(text);
  });

  it('plugin.json includes each dashboard by its uid, and the app navigation links the main one', () => {
    const pluginJson = JSON.parse(readFileSync(join(src, 'plugin.json'), 'utf8'));
    expect(withDashboardIncludes(pluginJson.includes)).toEqual(pluginJson.includes);
    const dashboards: Include[] = pluginJson.includes.filter((i: Include) => i.type === 'dashboard');
    expect(dashboards.map((d) => d.path)).toEqual(BUNDLED.map((d) => dashboardPath(d.uid)));
    for (const include of dashboards) {
      expect(include.uid).toBe(JSON.parse(committed(include.uid ?? 'missing-uid')).uid);
    }
    // What Grafana puts in the app's navigation: addToNav dashboards with a uid, as /d/<uid>.
    expect(dashboards.map(appNavUrl).filter(Boolean)).toEqual([`/d/${DASHBOARD_UIDS.ops}`]);
  });

  it.each(BUNDLED.map((d) => d.uid))('%s passes every lint rule', (uid) => {
    expect(lintDashboard(JSON.parse(committed(uid)), ctx)).toEqual([]);
  });

  it.each(BUNDLED.map((d) => d.uid))(
    '%s has its uid, a revision, no __inputs and no data source uid written in',
    (uid) => {
      const text = committed(uid);
      const model = JSON.parse(text);
      expect(model.uid).toBe(uid);
      expect(model.revision).toBeGreaterThanOrEqual(1);
      expect(model.__inputs).toBeUndefined();
      expect(text).not.toContain('${DS_');
      const uids = [...text.matchAll(/"uid": "([^"]*)"/g)].map((m) => m[1]);
      expect(uids.filter((u) => u !== uid && u !== '${datasource}')).toEqual([]);
    }
  );

  it('bumps the revision when the content changes and keeps it otherwise', () => {
    const text = committed('ai-agent-ops');
    const revision = JSON.parse(text).revision;
    const edited = JSON.parse(text);
    edited.panels[0].title = 'edited by hand';
    expect(JSON.parse(renderDashboard('ai-agent-ops', JSON.stringify(edited))).revision).toBe(revision + 1);
    expect(JSON.parse(renderDashboard('ai-agent-ops', text)).revision).toBe(revision);
    expect(JSON.parse(renderDashboard('ai-agent-ops')).revision).toBe(1);
  });
});

describe('catalog coverage', () => {
  it('shows every metric of the signal catalog on some bundled dashboard', () => {
    const text = BUNDLED.map((d) => committed(d.uid)).join('\n');
    const missing = ALL_METRICS.filter((m) => !new RegExp(`\\b${m.name}(_bucket|_sum|_count)?\\b`).test(text)).map(
      (m) => m.name
    );
    expect(missing).toEqual([]);
  });
});

describe('dashboard lint rules catch what they are for', () => {
  const base = () => JSON.parse(committed('ai-agent-ops'));
  const rulesOf = (model: unknown) => new Set(lintDashboard(model, ctx).map((v) => v.rule));
  const withExpr = (expr: string, instant = false) => {
    const model = base();
    model.panels[0].targets[0].expr = expr;
    model.panels[0].targets[0].instant = instant;
    return model;
  };
  const cases: Array<[string, () => unknown, RuleName]> = [
    ['a raw counter', () => withExpr('sum(ai_memory_operations_total)'), 'target-counter-agg-rule'],
    [
      'raw histogram buckets',
      () => withExpr('sum by (le) (ai_memory_operation_duration_seconds_bucket)'),
      'target-counter-agg-rule',
    ],
    [
      'rate() of a gauge',
      () => withExpr('rate(ai_agent_active_sessions[$__rate_interval])'),
      'target-counter-agg-rule',
    ],
    [
      'histogram_quantile without le',
      () =>
        withExpr(
          'histogram_quantile(0.9, sum by (operation) (rate(ai_memory_operation_duration_seconds_bucket[$__rate_interval])))'
        ),
      'target-counter-agg-rule',
    ],
    ['a fixed rate window', () => withExpr('sum(rate(ai_memory_operations_total[5m]))'), 'target-rate-interval-rule'],
    [
      'increase over $__range in a range query',
      () => withExpr('sum(increase(ai_memory_operations_total[$__range]))'),
      'target-rate-interval-rule',
    ],
    [
      'PromQL that does not parse',
      () => withExpr('sum(rate(ai_memory_operations_total[$__rate_interval])'),
      'target-promql-rule',
    ],
    [
      'a metric not in the catalog',
      () => withExpr('sum(rate(made_up_total[$__rate_interval]))'),
      'catalog-metric-rule',
    ],
    [
      'a label the metric lacks',
      () => withExpr('sum by (user_id) (rate(ai_memory_operations_total[$__rate_interval]))'),
      'catalog-label-rule',
    ],
    [
      'a matcher on a label the metric lacks',
      () => withExpr('sum(rate(ai_memory_operations_total{cache_layer="l1"}[$__rate_interval]))'),
      'catalog-label-rule',
    ],
    [
      'an undefined variable',
      () => withExpr('sum(rate(ai_memory_operations_total{agent_type=~"$nope"}[$__rate_interval]))'),
      'variable-reference-rule',
    ],
    [
      'a hard-coded data source',
      () => {
        const m = base();
        m.panels[0].datasource = { type: 'prometheus', uid: 'P1809F7CD0C75ACF3' };
        return m;
      },
      'panel-datasource-rule',
    ],
    [
      'a panel without unit',
      () => {
        const m = base();
        delete m.panels[0].fieldConfig.defaults.unit;
        return m;
      },
      'panel-units-rule',
    ],
    [
      'a panel without description',
      () => {
        const m = base();
        m.panels[0].description = '';
        return m;
      },
      'panel-title-description-rule',
    ],
    [
      'a panel without targets',
      () => {
        const m = base();
        m.panels[0].targets = [];
        return m;
      },
      'panel-no-targets-rule',
    ],
    [
      'a link to a dashboard the app does not bundle',
      () => {
        const m = base();
        m.links[0].url = '/d/somewhere-else';
        return m;
      },
      'link-uid-rule',
    ],
    [
      'a variable that does not refresh with the time range',
      () => {
        const m = base();
        m.templating.list[1].refresh = 1;
        return m;
      },
      'template-on-time-change-reload-rule',
    ],
    [
      'no data source variable',
      () => {
        const m = base();
        m.templating.list.shift();
        return m;
      },
      'template-datasource-rule',
    ],
    [
      'an editable dashboard',
      () => {
        const m = base();
        m.editable = true;
        return m;
      },
      'uneditable-dashboard-rule',
    ],
    [
      'a dashboard without editable, which Grafana makes editable',
      () => {
        const m = base();
        delete m.editable;
        return m;
      },
      'uneditable-dashboard-rule',
    ],
    [
      'increase over $__interval without a minimum step',
      () => withExpr('sum(increase(ai_memory_operations_total[$__interval]))'),
      'target-rate-interval-rule',
    ],
    [
      'increase over $__interval with a step of one scrape interval',
      () => {
        const m = withExpr('sum(increase(ai_memory_operations_total[$__interval]))');
        m.panels[0].targets[0].minStep = `${SCRAPE_INTERVAL_SECONDS}s`;
        return m;
      },
      'target-rate-interval-rule',
    ],
    [
      'an annotation with a hard-coded data source',
      () => {
        const m = base();
        m.annotations.list[0].datasource = { type: 'prometheus', uid: 'P1809F7CD0C75ACF3' };
        return m;
      },
      'panel-datasource-rule',
    ],
    [
      'an annotation whose PromQL does not parse',
      () => {
        const m = base();
        m.annotations.list[0].target.expr = 'max(circuit_breaker_state';
        return m;
      },
      'target-promql-rule',
    ],
  ];
  it.each(cases)('%s', (_name, make, rule) => {
    expect(rulesOf(make())).toContain(rule);
  });

  it('accepts increase over $__range in an instant query', () => {
    expect(lintDashboard(withExpr('sum(increase(ai_memory_operations_total[$__range]))', true), ctx)).toEqual([]);
  });
});

const dashboardJson = (uid: string) => JSON.parse(committed(uid));
const panelOf = (uid: string, title: string) => {
  const panel = dashboardJson(uid).panels.find((p: { title: string }) => p.title === title);
  expect(panel).toBeDefined();
  return panel;
};
const exprsOf = (panel: { targets: Array<{ expr?: string }> }) => panel.targets.map((t) => t.expr ?? '');

describe('what the bundled dashboards show', () => {
  it('are not editable in place: a release re-imports them over the imported copy (Save as keeps a copy)', () => {
    for (const { uid } of BUNDLED) {
      expect(dashboardJson(uid).editable).toBe(false);
    }
  });

  it('put the links to the other dashboards in the link bar, not in the "Dashboard controls" menu', () => {
    // Grafana: DASH-LINK-PLACEMENT (docs/grafana-behaviour.md): the bar shows links whose placement is unset.
    for (const { uid } of BUNDLED) {
      const { links } = dashboardJson(uid);
      expect(links).toHaveLength(BUNDLED.length - 1);
      expect(links.filter((l: { placement?: string }) => l.placement !== undefined)).toEqual([]);
    }
  });

  it('map the component health values the telemetry SDK sets to healthy and unhealthy', async () => {
    const set: Record<string, number> = {};
    const gauge = { set: () => undefined };
    const telemetry = {
      metrics: {
        componentHealth: { set: (labels: { component: string }, v: number) => (set[labels.component] = v) },
        systemHealthScore: gauge,
        healthCheckDuration: gauge,
      },
    };
    await new HealthChecker({
      telemetry: telemetry as never,
      checks: { up: async () => ({ healthy: true }), down: async () => ({ healthy: false }) },
    }).run();
    expect(set).toEqual({ up: COMPONENT_HEALTH_VALUES.healthy, down: COMPONENT_HEALTH_VALUES.unhealthy });
    const [mapping] = panelOf('system-health', 'Component health').fieldConfig.defaults.mappings;
    expect(mapping.options[String(set.up)].text).toBe('healthy');
    expect(mapping.options[String(set.down)].text).toBe('unhealthy');
  });

  it('count each relevance observation in one heatmap cell: increase over the step, a step of two scrapes or more', () => {
    const [target] = panelOf('ai-agent-ops', 'Relevance score distribution').targets;
    expect(target.expr).toMatch(
      /^sum by \(le\) \(increase\(ai_memory_relevance_score_bucket\{[^}]*\}\[\$__interval\]\)\)$/
    );
    expect(target.minStep).toBe(MIN_COUNTING_STEP);
    expect(parseInt(MIN_COUNTING_STEP, 10)).toBeGreaterThanOrEqual(2 * SCRAPE_INTERVAL_SECONDS);
  });

  it.each(['Context size (top 10 agents)', 'Context growth rate (top 10 agents)'])(
    '%s ranks the agents once over the range and leaves out the folded __other__',
    (title) => {
      const [expr] = exprsOf(panelOf('ai-agent-patterns', title));
      expect(expr).toMatch(
        / and on \(agent_id\) topk\(10, max by \(agent_id\) \(max_over_time\(.*\[\$__range\] @ end\(\)\)\)\)$/
      );
      expect(expr.split('topk').length).toBe(2);
      expect(expr.split(`agent_id!="${OTHER_LABEL_VALUE}"`).length).toBe(3);
    }
  );

  it('shows context growth in bytes per hour', () => {
    const { unit } = panelOf('ai-agent-patterns', 'Context growth rate (top 10 agents)').fieldConfig.defaults;
    expect(unit).toBe(BYTES_PER_HOUR);
    expect(formattedValueToString(getValueFormat(unit)(1500, 1))).toBe('1.5 kB/h');
  });

  it.each([
    ['CPU busy', 'job', 'instance'],
    ['Memory used', 'job', 'instance'],
    ['PostgreSQL connections', 'pg_job', 'pg_instance'],
    ['PostgreSQL longest transaction', 'pg_job', 'pg_instance'],
  ])(
    'USE panel "%s" picks its scrape targets with $%s and $%s (multi-value, All as .+), per target',
    (title, job, instance) => {
      const model = dashboardJson('system-health');
      for (const name of [job, instance]) {
        const variable = model.templating.list.find((v: { name: string }) => v.name === name);
        expect(variable).toMatchObject({ multi: true, includeAll: true, allValue: '.+' });
      }
      for (const expr of exprsOf(panelOf('system-health', title))) {
        const selectors = expr.match(/\b(node|pg)_[a-zA-Z_]+\{[^}]*\}/g) ?? [];
        expect(selectors.length).toBeGreaterThan(0);
        for (const selector of selectors) {
          expect(selector).toContain(`job=~"$${job}"`);
          expect(selector).toContain(`instance=~"$${instance}"`);
        }
        expect(expr).toMatch(/by \(job, instance/);
      }
    }
  );

  it('shows HTTP RED: request rate, error share and latency by endpoint', () => {
    expect(exprsOf(panelOf('system-health', 'HTTP request rate by endpoint'))).toEqual([
      'sum by (endpoint) (rate(http_requests_total[$__rate_interval]))',
    ]);
    panelOf('system-health', 'HTTP error share by endpoint');
    panelOf('system-health', 'HTTP latency p99 by endpoint');
  });

  it('draws the latency red line on the p95 the latency alert fires on, at its threshold', () => {
    const rule = ruleNamed('HighMemoryOperationLatency');
    expect(ruleValueExpr(rule)).toContain('histogram_quantile(0.95,');
    expect(rule.threshold).toBe(THRESHOLDS.operationLatencyP95Seconds);
    const panel = panelOf('ai-agent-ops', 'Latency p50 / p95 by operation');
    expect(exprsOf(panel).some((e) => e.startsWith('histogram_quantile(0.95,'))).toBe(true);
    expect(panel.fieldConfig.defaults.thresholds.steps.map((s: { value: number | null }) => s.value)).toEqual([
      null,
      THRESHOLDS.operationLatencyP95Seconds,
    ]);
  });

  it.each([
    ['ai-agent-ops', 'Error rate', 'HighErrorRate'],
    ['ai-agent-ops', 'Latency p50 / p95 by operation', 'HighMemoryOperationLatency'],
    ['ai-agent-ops', 'Cache hit ratio by layer', 'LowCacheHitRatio'],
    ['system-health', 'Memory used', 'HighMemoryUsage'],
    ['system-health', 'HTTP error share by endpoint', 'HighHttpErrorRate'],
  ])('%s "%s" turns red where %s fires', (uid, title, ruleName) => {
    const [, firstStep] = panelOf(uid, title).fieldConfig.defaults.thresholds.steps;
    expect(firstStep.value).toBe(ruleNamed(ruleName).threshold);
  });

  it.each([
    ['ai-agent-ops', 'Error rate'],
    ['ai-agent-ops', 'Latency p50 / p95 by operation'],
    ['system-health', 'Memory used'],
    ['system-health', 'HTTP error share by endpoint'],
  ])('%s "%s" keeps its red line in view when every value is 0', (uid, title) => {
    const { custom, thresholds } = panelOf(uid, title).fieldConfig.defaults;
    expect(custom.thresholdsStyle.mode).toBe('line');
    expect(custom.axisSoftMax).toBeGreaterThan(thresholds.steps[1].value);
  });

  it('draw every threshold from THRESHOLDS of @memstack/telemetry/signals (or a state value the SDK sets)', () => {
    const allowed = new Set<number>([...Object.values(THRESHOLDS), ...Object.values(COMPONENT_HEALTH_VALUES)]);
    const strays: string[] = [];
    for (const { uid } of BUNDLED) {
      for (const panel of dashboardJson(uid).panels) {
        for (const step of panel.fieldConfig?.defaults?.thresholds?.steps ?? []) {
          if (step.value !== null && !allowed.has(step.value)) {
            strays.push(`${uid} "${panel.title}": ${step.value}`);
          }
        }
      }
    }
    expect(strays).toEqual([]);
  });

  it('annotate the operations dashboard with breaker openings and CRITICAL events through our data source', () => {
    // Grafana: ANNOTATION-STANDARD-QUERY (docs/grafana-behaviour.md): the layer's `target` is run
    // as a query of the data source; each row becomes an event with the mapped text.
    const { list } = dashboardJson('ai-agent-ops').annotations;
    expect(list.map((a: { name: string }) => a.name)).toEqual(['Circuit breaker opened', 'CRITICAL events']);
    for (const layer of list) {
      expect(layer).toMatchObject({ enable: true, datasource: { type: DATASOURCE_PLUGIN_ID, uid: '${datasource}' } });
      expect(layer.placement).toBeUndefined();
      expect(layer.mappings.text.value).toBeTruthy();
    }
    const [breakers, critical] = list;
    expect(breakers.target).toMatchObject({ queryType: 'metrics', refId: 'Anno' });
    expect(breakers.target.expr).toBe(
      '(max by (service_name) (circuit_breaker_state{service_name=~"$service_name"}) == 1) unless (max by (service_name) (circuit_breaker_state{service_name=~"$service_name"} offset $__interval) == 1)'
    );
    expect(critical.target).toMatchObject({ queryType: 'logs', filters: { level: ['CRITICAL'] } });
    expect(critical.mappings.text).toEqual({ source: 'field', value: 'body' });
  });
});
