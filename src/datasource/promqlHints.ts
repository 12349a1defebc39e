import { lintPromQL } from '../promql/lint';
import { withoutTemplates } from './queryTemplates';

/** A kind-aware hint on part of an expression, as offsets into it. */
export interface PromQLHint {
  from: number;
  to: number;
  message: string;
}

/**
 * The dashboard lint's kind rules as the editor's hints: a counter or histogram bucket shown
 * without rate()/increase(), a gauge under rate(), histogram_quantile over buckets not summed by
 * `le`. Only metrics the catalog knows have a kind here; others get Prometheus' own checks only.
 * A series selector (`selectorOnly`, a variable's `match[]`) shows no values: no rate hints.
 */
export function kindHints(expr: string, selectorOnly = false): PromQLHint[] {
  const text = withoutTemplates(expr, true);
  const hints: PromQLHint[] = [];
  lintPromQL(
    text,
    'editor',
    (rule, _where, message, span) => {
      if (rule === 'target-counter-agg-rule') {
        const suffix = `: ${text}`;
        hints.push({
          from: span?.from ?? 0,
          to: span?.to ?? expr.length,
          message: message.endsWith(suffix) ? message.slice(0, -suffix.length) : message,
        });
      }
    },
    { selectorOnly, instant: false }
  );
  return hints;
}
