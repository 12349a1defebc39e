import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import { metricOfSeries, TARGET_LABELS, type ReadableMetric } from '../promql/metrics';
import { MIN_COUNTING_STEP } from '../promql/builder';

/**
 * Lint rules over a dashboard's JSON, after grafana/dashboard-linter's documented rules (which
 * cannot be installed here) plus this app's own. Pure: the test runs it over the generated files.
 * The linter's job/instance rules are left out on purpose: they require job and instance
 * variables on every dashboard, while here only the System Health USE panels, which read
 * exporters that the alert rules split by scrape target, have them.
 */
export type RuleName =
  | 'template-datasource-rule'
  | 'template-on-time-change-reload-rule'
  | 'template-label-promql-rule'
  | 'panel-datasource-rule'
  | 'panel-title-description-rule'
  | 'panel-units-rule'
  | 'panel-no-targets-rule'
  | 'target-promql-rule'
  | 'target-rate-interval-rule'
  | 'target-counter-agg-rule'
  | 'uneditable-dashboard-rule'
  | 'catalog-metric-rule'
  | 'catalog-label-rule'
  | 'link-uid-rule'
  | 'variable-reference-rule';

export interface Violation {
  rule: RuleName;
  where: string;
  message: string;
}

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

// Grafana's macros become fixed durations so the PromQL parser accepts them; the rate-interval
// rule then reads the durations back.
const RATE_INTERVAL = '1111s';
const RANGE = '2222s';
const STEP = '3333s';
const MACROS: Array<[RegExp, string]> = [
  [/\$__rate_interval\b/g, RATE_INTERVAL],
  [/\$__range\b/g, RANGE],
  [/\$__interval\b/g, STEP],
];

/** Seconds of a duration such as "30s" or "2m"; undefined for anything else. */
function durationSeconds(text: unknown): number | undefined {
  const m = typeof text === 'string' ? /^(\d+)(s|m|h)$/.exec(text) : null;
  return m ? Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'] : undefined;
}

/** Where a target's minimum step lets `increase(…[$__interval])` count each observation once. */
const countsPerStep = (target: Json) =>
  (durationSeconds(target.minStep) ?? 0) >= (durationSeconds(MIN_COUNTING_STEP) ?? Infinity);

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

/** Whether the metric a variable's series selector names has the label it lists. */
function labelKnown(selector: string, label: string): boolean {
  const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(selector)?.[0];
  const found = name ? metricOfSeries(name) : undefined;
  return found !== undefined && labelsOf(found.def, found.part).includes(label);
}

/** The function whose range argument a matrix selector is (through an `@` modifier), if any. */
function rangeFunctionOf(matrix: SyntaxNode | null, slice: (n: SyntaxNode) => string): string | undefined {
  let body = matrix?.parent;
  while (body?.name === 'StepInvariantExpr') {
    body = body.parent;
  }
  const fn = body?.name === 'FunctionCallBody' ? body.parent?.getChild('FunctionIdentifier') : null;
  return fn ? slice(fn) : undefined;
}

function labelsOf(def: ReadableMetric, part: string): string[] {
  const extra = part === 'bucket' ? ['le'] : def.type === 'summary' && part === 'value' ? ['quantile'] : [];
  return [...def.labelNames, ...TARGET_LABELS, ...extra];
}

const RATE_FUNCTIONS = new Set(['rate', 'irate', 'increase']);

interface PromQLOptions {
  /** A variable's series selector, which lists label values and shows none. */
  selectorOnly: boolean;
  instant: boolean;
  /** The target's minimum step lets increase() over $__interval count each observation once. */
  countsPerStep?: boolean;
}

function lintPromQL(expr: string, where: string, add: Add, opts: PromQLOptions) {
  const text = MACROS.reduce((t, [macro, duration]) => t.replace(macro, duration), expr);
  const tree = parser.parse(text);
  let broken = false;
  tree.iterate({
    enter(n) {
      if (n.type.isError) {
        broken = true;
      }
    },
  });
  if (broken || !text.trim()) {
    add('target-promql-rule', where, `does not parse as PromQL: ${expr}`);
    return;
  }
  const slice = (n: SyntaxNode) => text.slice(n.from, n.to);
  tree.iterate({
    enter(ref) {
      const node = ref.node;
      if (node.name === 'FunctionCall') {
        const fn = slice(node.getChild('FunctionIdentifier')!);
        const body = node.getChild('FunctionCallBody');
        const matrix =
          body?.getChild('MatrixSelector') ?? body?.getChild('StepInvariantExpr')?.getChild('MatrixSelector');
        const range = matrix?.getChild('DurationExpr') ?? matrix?.lastChild;
        if (RATE_FUNCTIONS.has(fn) && range) {
          const window = slice(range);
          const countsOverRange = window === RANGE && opts.instant;
          const perStep = window === STEP && opts.countsPerStep;
          const ok = window === RATE_INTERVAL || (fn === 'increase' && (countsOverRange || perStep));
          if (!ok) {
            add(
              'target-rate-interval-rule',
              where,
              `${fn}() must use $__rate_interval${fn === 'increase' ? ` (or $__range in an instant query, or $__interval with minStep ≥ ${MIN_COUNTING_STEP})` : ''}: ${expr}`
            );
          }
        }
        if (fn === 'histogram_quantile' && !/\bby\s*\([^)]*\ble\b/.test(slice(node))) {
          add('target-counter-agg-rule', where, `histogram_quantile needs the bucket rates summed by le: ${expr}`);
        }
      }
      if (node.name === 'VectorSelector') {
        // A variable's selector only names series to list label values of; it shows no values.
        lintSelector(node, slice, where, add, !opts.selectorOnly);
      }
      if (node.name === 'AggregateExpr') {
        const grouping = node.getChild('AggregateModifier')?.getChild('GroupingLabels');
        const selectors: SyntaxNode[] = [];
        node.cursor().iterate((c) => {
          if (c.name === 'VectorSelector') {
            selectors.push(c.node);
          }
        });
        for (const label of grouping?.getChildren('LabelName') ?? []) {
          for (const sel of selectors) {
            const name = sel.getChild('Identifier');
            const found = name ? metricOfSeries(slice(name)) : undefined;
            if (found && !labelsOf(found.def, found.part).includes(slice(label))) {
              add('catalog-label-rule', where, `groups by ${slice(label)}, which ${slice(name!)} does not have`);
            }
          }
        }
      }
    },
  });
  if (opts.selectorOnly && tree.topNode.firstChild?.name !== 'VectorSelector') {
    add('template-label-promql-rule', where, `must be a series selector: ${expr}`);
  }
}

function lintSelector(
  node: SyntaxNode,
  slice: (n: SyntaxNode) => string,
  where: string,
  add: Add,
  showsValues: boolean
) {
  const nameNode = node.getChild('Identifier');
  if (!nameNode) {
    add('catalog-metric-rule', where, `selector without a metric name: ${slice(node)}`);
    return;
  }
  const name = slice(nameNode);
  const found = metricOfSeries(name);
  if (!found) {
    add('catalog-metric-rule', where, `${name} is not in the signal catalog`);
    return;
  }
  for (const matcher of node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
    const label = slice(matcher.getChild('LabelName')!);
    if (!labelsOf(found.def, found.part).includes(label)) {
      add('catalog-label-rule', where, `${name} has no label ${label}`);
    }
  }
  if (!showsValues) {
    return;
  }
  const cumulative = found.def.type === 'counter' || (found.def.type !== 'gauge' && found.part !== 'value');
  const rangeFunction = node.parent?.name === 'MatrixSelector' ? rangeFunctionOf(node.parent, slice) : undefined;
  const inRate = rangeFunction !== undefined && RATE_FUNCTIONS.has(rangeFunction);
  const isSummaryQuantile = found.def.type === 'summary' && found.part === 'value';
  if (cumulative && !inRate && !isSummaryQuantile) {
    add(
      'target-counter-agg-rule',
      where,
      `${name} is a ${found.def.type} series shown raw; wrap it in rate() or increase()`
    );
  }
  if (!cumulative && inRate) {
    add('target-counter-agg-rule', where, `${name} is a gauge; ${rangeFunction}() is for counters`);
  }
}

/**
 * The PromQL rules for an alert rule's expression: it parses, names catalog metrics and their
 * labels, reads counters through rates and histograms by `le`. Alert rules use fixed rate
 * windows on purpose (the same window in Grafana and in Prometheus), so the rate-interval rule,
 * which is about dashboards' $__rate_interval, does not apply.
 */
export function lintAlertExpression(expr: string, where: string): Violation[] {
  const found: Violation[] = [];
  lintPromQL(expr, where, (rule, at, message) => found.push({ rule, where: at, message }), {
    selectorOnly: false,
    instant: true,
  });
  return found.filter((v) => v.rule !== 'target-rate-interval-rule');
}
