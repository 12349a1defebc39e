/**
 * The data frame model the backend returns, independent of its wire encoding. It mirrors the
 * parts of grafana-plugin-sdk-go's `data.Frame` we produce; `arrow.ts` encodes it.
 */
/** `json` values are any JSON; they travel as Arrow Binary, which the Go SDK reads as json.RawMessage. */
export type FieldType = 'time' | 'number' | 'string' | 'boolean' | 'json';

export interface FieldConfig {
  displayNameFromDS?: string;
  unit?: string;
  decimals?: number;
  links?: Array<{
    title: string;
    url: string;
    internal?: { datasourceUid: string; datasourceName: string; query: Record<string, unknown> };
    targetBlank?: boolean;
  }>;
  [key: string]: unknown;
}

export interface Field {
  name: string;
  type: FieldType;
  /** Times are epoch milliseconds (fractions keep sub-millisecond precision). */
  values: readonly unknown[];
  labels?: Record<string, string>;
  /**
   * Nullable whatever the values: a column whose values may be missing keeps one type from one
   * answer to the next (Grafana's Go SDK reads a nullable float64 as *float64). Otherwise a field
   * is nullable only when one of its values is null.
   */
  nullable?: boolean;
  config?: FieldConfig;
}

export interface Notice {
  severity: 'info' | 'warning' | 'error';
  text: string;
}

export interface FrameMeta {
  /** Dataplane frame type, e.g. `timeseries-multi`, `numeric-multi`, `log-lines`. */
  type?: string;
  typeVersion?: [number, number];
  executedQueryString?: string;
  notices?: Notice[];
  preferredVisualisationType?: string;
  custom?: Record<string, unknown>;
}

export interface Frame {
  name?: string;
  refId?: string;
  meta?: FrameMeta;
  fields: Field[];
}

export function frameLength(frame: Frame): number {
  return frame.fields.length === 0 ? 0 : frame.fields[0].values.length;
}
