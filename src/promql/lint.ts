import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import { metricOfSeries, MIN_COUNTING_STEP, type ReadableMetric, TARGET_LABELS } from '@memstack/telemetry/signals';

/**
 * PromQL rules over the signal catalog: an expression parses, names catalog metrics and their
 * labels, reads counters and histogram buckets through rate()/increase() over $__rate_interval,
 * and sums buckets by `le` for histogram_quantile. Pure. The dashboard lint
 * (src/dashboards/lint.testutil.ts) and the alert rules' test apply them; they are the
 * kind-aware hints a PromQL editor can show as you type.
 */
export type PromQLRuleName =
  | 'target-promql-rule'
  | 'target-rate-interval-rule'
  | 'target-counter-agg-rule'
  | 'template-label-promql-rule'
  | 'catalog-metric-rule'
  | 'catalog-label-rule';

export interface Violation<R extends string = PromQLRuleName> {
  rule: R;
  where: string;
  message: string;
}

/** Where in the expression a violation is, as character offsets (the editor underlines it). */
export interface Span {
  from: number;
  to: number;
}

export type Add = (rule: PromQLRuleName, where: string, message: string, span?: Span) => void;

// Grafana's macros become fixed durations so the PromQL parser accepts them; the rate-interval
// rule then reads the durations back. Each is padded to the macro's length, so offsets in the
// parsed text are offsets in the expression.
const RATE_INTERVAL = '1111s';
const RANGE = '2222s';
const STEP = '3333s';
const MACROS: Array<[RegExp, string]> = [
  [/\$__rate_interval\b/g, RATE_INTERVAL.padEnd('$__rate_interval'.length)],
  [/\$__range\b/g, RANGE.padEnd('$__range'.length)],
  [/\$__interval\b/g, STEP.padEnd('$__interval'.length)],
];

/** Whether the metric a variable's series selector names has the label it lists. */
export function labelKnown(selector: string, label: string): boolean {
  const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(selector)?.[0];
  const found = name ? metricOfSeries(name) : undefined;
  return found !== undefined && labelsOf(found.def, found.part).includes(label);
}

/** The function whose range argument a matrix selector is (through `@` and `offset` modifiers), if any. */
function rangeFunctionOf(matrix: SyntaxNode | null, slice: (n: SyntaxNode) => string): string | undefined {
  let body = matrix?.parent;
  while (body?.name === 'StepInvariantExpr' || body?.name === 'OffsetExpr') {
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

export interface PromQLOptions {
  /** A variable's series selector, which lists label values and shows none. */
  selectorOnly: boolean;
  instant: boolean;
  /** The target's minimum step lets increase() over $__interval count each observation once. */
  countsPerStep?: boolean;
}

export function lintPromQL(expr: string, where: string, add: Add, opts: PromQLOptions) {
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
  const slice = (n: SyntaxNode) => text.slice(n.from, n.to).trim();
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
          add(
            'target-counter-agg-rule',
            where,
            `histogram_quantile needs the bucket rates summed by le: ${expr}`,
            node
          );
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
      `${name} is a ${found.def.type} series shown raw; wrap it in rate() or increase()`,
      node
    );
  }
  if (!cumulative && inRate) {
    add('target-counter-agg-rule', where, `${name} is a gauge; ${rangeFunction}() is for counters`, node);
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
