import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_METRICS } from '../../telemetry/src/catalog';
import { DATASOURCE_PLUGIN_ID } from '../constants';
import { DATASOURCE_VARIABLE } from './common';
import { BUNDLED, dashboardPath } from './index';
import { lintDashboard, type LintContext, type RuleName } from './lint';
import { renderDashboard, withDashboardIncludes } from './render';

const src = join(__dirname, '..');
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

  it('plugin.json includes each dashboard, the main one in the navigation', () => {
    const pluginJson = JSON.parse(readFileSync(join(src, 'plugin.json'), 'utf8'));
    expect(withDashboardIncludes(pluginJson.includes)).toEqual(pluginJson.includes);
    const dashboards = pluginJson.includes.filter((i: { type: string }) => i.type === 'dashboard');
    expect(dashboards.map((d: { path: string }) => d.path)).toEqual(BUNDLED.map((d) => dashboardPath(d.uid)));
    expect(dashboards.filter((d: { addToNav?: boolean }) => d.addToNav).map((d: { path: string }) => d.path)).toEqual([
      'dashboards/ai-agent-ops.json',
    ]);
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
      'an uneditable dashboard',
      () => {
        const m = base();
        m.editable = false;
        return m;
      },
      'uneditable-dashboard-rule',
    ],
  ];
  it.each(cases)('%s', (_name, make, rule) => {
    expect(rulesOf(make())).toContain(rule);
  });

  it('accepts increase over $__range in an instant query', () => {
    expect(lintDashboard(withExpr('sum(increase(ai_memory_operations_total[$__range]))', true), ctx)).toEqual([]);
  });
});
