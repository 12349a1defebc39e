/** Value every label beyond the cap is folded into. */
export const OTHER_LABEL_VALUE = '__other__';

export interface LabelGuardOptions {
  /** Distinct values kept per label before folding; default 100. */
  cap?: number;
  /** Called once per label the first time a value is folded. */
  onFold?: (label: string, value: string) => void;
}

/**
 * Bounds the number of distinct values one label may take. The first `cap` values pass through;
 * later new values become `__other__`. Pure bookkeeping: the caller counts folds in a metric.
 */
export class LabelGuard {
  private readonly seen = new Map<string, Set<string>>();
  private readonly reported = new Set<string>();
  readonly cap: number;

  constructor(private readonly options: LabelGuardOptions = {}) {
    const cap = options.cap ?? 100;
    this.cap = Number.isInteger(cap) && cap > 0 ? cap : 100;
  }

  /** Returns the value to use for `label`, and whether it was folded. */
  admit(label: string, value: string): { value: string; folded: boolean } {
    let values = this.seen.get(label);
    if (!values) {
      values = new Set();
      this.seen.set(label, values);
    }
    if (values.has(value)) {
      return { value, folded: false };
    }
    if (values.size < this.cap) {
      values.add(value);
      return { value, folded: false };
    }
    if (!this.reported.has(label)) {
      this.reported.add(label);
      this.options.onFold?.(label, value);
    }
    return { value: OTHER_LABEL_VALUE, folded: true };
  }

  distinctValues(label: string): number {
    return this.seen.get(label)?.size ?? 0;
  }
}

export interface SeriesGuardOptions {
  /** Distinct label sets kept per metric before folding; default 1,000. */
  cap?: number;
}

/**
 * Bounds the number of series of each metric. A per-label cap alone still allows the product of
 * the caps (three labels of 100 values are 1,000,000 series); this counts whole label sets per
 * metric. The first `cap` label sets pass; later new ones become one set with every value
 * `__other__`, so a metric has at most `cap + 1` series.
 */
export class SeriesGuard {
  private readonly seen = new Map<string, Set<string>>();
  readonly cap: number;

  constructor(options: SeriesGuardOptions = {}) {
    const cap = options.cap ?? 1000;
    this.cap = Number.isInteger(cap) && cap > 0 ? cap : 1000;
  }

  /** Returns the labels to record for `metric`: these, or all of them `__other__`, and whether they were folded. */
  admit<L extends Record<string, string>>(metric: string, labels: L): { labels: L; folded: boolean } {
    let series = this.seen.get(metric);
    if (!series) {
      series = new Set();
      this.seen.set(metric, series);
    }
    const key = seriesKey(labels);
    if (series.has(key)) {
      return { labels, folded: false };
    }
    if (series.size < this.cap) {
      series.add(key);
      return { labels, folded: false };
    }
    return { labels: foldAll(labels), folded: true };
  }

  distinctSeries(metric: string): number {
    return this.seen.get(metric)?.size ?? 0;
  }
}

/** Length-prefixed values: unambiguous whatever characters a value holds. */
function seriesKey(labels: Record<string, string>): string {
  let key = '';
  for (const name in labels) {
    const value = labels[name];
    key += `${value.length}:${value}`;
  }
  return key;
}

function foldAll<L extends Record<string, string>>(labels: L): L {
  const folded: Record<string, string> = {};
  for (const name in labels) {
    folded[name] = OTHER_LABEL_VALUE;
  }
  return folded as L;
}
