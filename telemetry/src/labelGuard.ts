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
