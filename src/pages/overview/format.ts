import { formattedValueToString, getValueFormat } from '@grafana/data';

/**
 * Number formatting of the overview: Grafana's own value formatters with the units the bundled
 * dashboards give the same numbers (reqps, percentunit, s), so a value reads the same on the
 * overview as on the dashboard it links to. A missing value is a dash.
 */
const formatted = (unit: string, decimals?: number) => (value?: number) =>
  value === undefined || Number.isNaN(value) ? '—' : formattedValueToString(getValueFormat(unit)(value, decimals));

export const formatRate = formatted('reqps');
export const formatShare = formatted('percentunit');
export const formatSeconds = formatted('s');
/** A factor against a baseline (1 = as usual), as the rules' texts write it. */
export const formatFactor = (value?: number) =>
  value === undefined || !Number.isFinite(value) ? '—' : `${value.toFixed(2)}×`;
