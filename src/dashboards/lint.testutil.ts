import { parseDurationSeconds } from '../../contract';
import { MIN_COUNTING_STEP } from '@memstack/telemetry/signals';
import { labelKnown, lintPromQL, type PromQLRuleName, type Violation as PromQLViolation } from '../promql/lint';

/**
 * Lint rules over a dashboard's JSON, after grafana/dashboard-linter's documented rules (which
 * cannot be installed here) plus this app's own. Pure: the test runs it over the generated files.
 * The linter's job/instance rules are left out on purpose: they require job and instance
 * variables on every dashboard, while here only the System Health USE panels, which read
 * exporters that the alert rules split by scrape target, have them. Test-only (hence
 * `.testutil.ts`): the PromQL rules it applies to each target live in src/promql/lint.ts.
 */
export type RuleName =
  | PromQLRuleName
  | 'template-datasource-rule'
  | 'template-on-time-change-reload-rule'
  | 'panel-datasource-rule'
  | 'panel-title-description-rule'
  | 'panel-units-rule'
  | 'panel-no-targets-rule'
  | 'uneditable-dashboard-rule'
  | 'link-uid-rule'
  | 'variable-reference-rule';

export type Violation = PromQLViolation<RuleName>;

export interface LintContext {
  datasourceType: string;
  datasourceVariable: string;
  bundledUids: readonly string[];
}

type Json = any;

const GRAFANA_VARIABLES = new Set([
  '__rate_interval',
  '__interval',
  '__interval_ms',
  '__range',
  '__range_s',
  '__range_ms',
  '__from',
  '__to',
  '__all',
  '__field',
  '__value',
  '__series',
  '__data',
  '__url_time_range',
  '__dashboard',
]);

/** Where a target's minimum step lets `increase(…[$__interval])` count each observation once. */
const countsPerStep = (target: Json) =>
  (parseDurationSeconds(target.minStep) ?? 0) >= (parseDurationSeconds(MIN_COUNTING_STEP) ?? Infinity);

export function lintDashboard(model: Json, ctx: LintContext): Violation[] {
  const out: Violation[] = [];
  const dash = `dashboard ${model.uid}`;
  const add = (rule: RuleName, where: string, message: string) => out.push({ rule, where, message });
  const variables: Json[] = model.templating?.list ?? [];
  const variableNames = new Set(variables.map((v) => v.name));
  const dsRef = `\${${ctx.datasourceVariable}}`;

  if (!model.title || !model.description) {
    add('panel-title-description-rule', dash, 'the dashboard needs a title and a description');
  }
  // dashboard-linter's uneditable-dashboard rule (lint/rule_uneditable.go): "Checks that the
  // dashboard is not editable", an error when it is. Grafana treats a missing `editable` as
  // editable, so here only an explicit false passes. Grafana: LINT-UNEDITABLE (docs/grafana-behaviour.md)
  if (model.editable !== false) {
    add('uneditable-dashboard-rule', dash, "is editable, it should be set to 'editable: false'");
  }
  const dsVariable = variables.find((v) => v.name === ctx.datasourceVariable);
  if (!dsVariable || dsVariable.type !== 'datasource' || dsVariable.query !== ctx.datasourceType) {
    add('template-datasource-rule', dash, `needs a "${ctx.datasourceVariable}" variable of type ${ctx.datasourceType}`);
  }
  for (const v of variables.filter((x) => x.type === 'query')) {
    const where = `${dash} variable ${v.name}`;
    if (v.datasource?.uid !== dsRef || v.datasource?.type !== ctx.datasourceType) {
      add('template-datasource-rule', where, `must query ${dsRef}, not ${JSON.stringify(v.datasource)}`);
    }
    if (v.refresh !== 2) {
      add('template-on-time-change-reload-rule', where, 'must refresh on time range change (refresh: 2)');
    }
    if (!v.label || !v.description) {
      add('panel-title-description-rule', where, 'the variable needs a label and a description');
    }
    if (v.query?.kind === 'prometheus_label_values' && v.query.match) {
      lintPromQL(v.query.match, where, add, { selectorOnly: true, instant: false });
      if (v.query.label && !labelKnown(v.query.match, v.query.label)) {
        add('catalog-label-rule', where, `label ${v.query.label} is not a label of ${v.query.match}`);
      }
    }
    checkReferences(JSON.stringify(v.query ?? ''), where, variableNames, add);
  }
  for (const link of model.links ?? []) {
    checkUrl(link.url, `${dash} link ${link.title}`, ctx, add);
  }
  for (const annotation of model.annotations?.list ?? []) {
    const where = `${dash} annotation "${annotation.name}"`;
    if (annotation.datasource?.uid !== dsRef || annotation.datasource?.type !== ctx.datasourceType) {
      add('panel-datasource-rule', where, `must use ${dsRef}, not ${JSON.stringify(annotation.datasource)}`);
    }
    lintTarget(annotation.target ?? {}, where, variableNames, add);
  }

  for (const panel of model.panels ?? []) {
    if (panel.type === 'row' || panel.type === 'text') {
      continue;
    }
    const where = `${dash} panel "${panel.title}"`;
    if (!panel.title || !panel.description) {
      add('panel-title-description-rule', where, 'the panel needs a title and a description');
    }
    if (panel.datasource?.uid !== dsRef || panel.datasource?.type !== ctx.datasourceType) {
      add('panel-datasource-rule', where, `must use ${dsRef}, not ${JSON.stringify(panel.datasource)}`);
    }
    if (!panel.fieldConfig?.defaults?.unit) {
      add('panel-units-rule', where, 'the panel has no unit');
    }
    const targets: Json[] = panel.targets ?? [];
    if (targets.length === 0) {
      add('panel-no-targets-rule', where, 'the panel has no targets');
    }
    for (const link of panel.fieldConfig?.defaults?.links ?? []) {
      checkUrl(link.url, `${where} data link ${link.title}`, ctx, add);
    }
    for (const t of targets) {
      const tw = `${where} target ${t.refId}`;
      if (t.datasource && (t.datasource.uid !== dsRef || t.datasource.type !== ctx.datasourceType)) {
        add('panel-datasource-rule', tw, `must use ${dsRef}`);
      }
      lintTarget(t, tw, variableNames, add);
    }
  }
  return out;
}

/** The rules over one query of our data source (a panel's target or an annotation's). */
function lintTarget(t: Json, where: string, variableNames: Set<string>, add: Add) {
  if (t.queryType === 'metrics' || t.expr) {
    lintPromQL(t.expr ?? '', where, add, {
      selectorOnly: false,
      instant: t.instant === true,
      countsPerStep: countsPerStep(t),
    });
  }
  const { refId: _r, datasource: _d, ...rest } = t;
  checkReferences(JSON.stringify(rest), where, variableNames, add);
}

type Add = (rule: RuleName, where: string, message: string) => void;

function checkReferences(text: string, where: string, variables: Set<string>, add: Add) {
  for (const m of text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
    if (!variables.has(m[1]) && !GRAFANA_VARIABLES.has(m[1])) {
      add('variable-reference-rule', where, `refers to $${m[1]}, which the dashboard does not define`);
    }
  }
}

function checkUrl(url: string | undefined, where: string, ctx: LintContext, add: Add) {
  const m = /^\/d\/([^/?]+)/.exec(url ?? '');
  if (!m || !ctx.bundledUids.includes(m[1])) {
    add('link-uid-rule', where, `${url} does not open a bundled dashboard`);
  }
}
