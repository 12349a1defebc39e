import type { Field, Frame, Notice } from '../frame';
import type { PromResult } from '../../sources/prometheus';
import type { MetricsQuery } from './parse';

/** Prometheus sample values are strings; it spells infinities its own way. */
export function parseSampleValue(raw: string): number {
  if (raw === '+Inf') {
    return Number.POSITIVE_INFINITY;
  }
  if (raw === '-Inf') {
    return Number.NEGATIVE_INFINITY;
  }
  return Number(raw);
}

/**
 * Renders a legend format such as "{{operation}} p99" from a series' labels: each "{{ name }}" is
 * replaced by the label's value, or by nothing when the series has no such label. One scan from
 * left to right (the format is user input: a regular expression with a lazy group took seconds on
 * "{{" and a run of spaces). Only the labels' own keys count: "{{constructor}}" is empty.
 */
export function renderLegend(format: string, labels: Record<string, string>): string {
  let rendered = '';
  let position = 0;
  while (position < format.length) {
    const open = format.indexOf('{{', position);
    const close = open < 0 ? -1 : format.indexOf('}}', open + 2);
    if (close < 0) {
      break;
    }
    const name = format.slice(open + 2, close).trim();
    // "{{}}" names nothing and stays as written, as with Grafana's own pattern.
    rendered += format.slice(position, open) + (close === open + 2 ? '{{}}' : labelValue(labels, name));
    position = close + 2;
  }
  return rendered + format.slice(position);
}

function labelValue(labels: Record<string, string>, name: string): string {
  return Object.prototype.hasOwnProperty.call(labels, name) ? labels[name] : '';
}

function displayName(query: MetricsQuery, labels: Record<string, string>): string | undefined {
  if (!query.legendFormat || query.legendFormat === '__auto') {
    return undefined;
  }
  return renderLegend(query.legendFormat, labels);
}

/**
 * One frame per series, shaped like Grafana's own Prometheus data source returns them
 * (dataplane `timeseries-multi` for ranges, `numeric-multi` for instant queries): a `Time` field
 * and a `Value` field that carries the series labels, so panels and alert expressions treat both
 * data sources alike.
 */
export const PARTIAL_ANSWER_NOTICE =
  "Prometheus: partial answer: some of the back end's storage nodes did not answer, so series or samples may be missing";

export function promResultToFrames(
  query: MetricsQuery,
  result: PromResult,
  executed: string,
  stepSec?: number
): Frame[] {
  const type = query.instant ? 'numeric-multi' : 'timeseries-multi';
  // The step on the time field is what makes time series and state timeline panels draw a gap
  // where samples are missing. Grafana: FRAME-INTERVAL-GAPS (docs/grafana-behaviour.md)
  const timeConfig = !query.instant && stepSec !== undefined ? { config: { interval: stepSec * 1000 } } : {};
  const notices: Notice[] = [
    ...query.notices.map((text) => ({ severity: 'info' as const, text })),
    ...(result.partial ? [{ severity: 'warning' as const, text: PARTIAL_ANSWER_NOTICE }] : []),
    // Thanos reports a store it could not reach (a partial response) as a warning naming the store.
    ...result.warnings.map((text) => ({ severity: 'warning' as const, text: `Prometheus: ${text}` })),
  ];
  const meta = {
    type,
    typeVersion: [0, 1] as [number, number],
    executedQueryString: executed,
    ...(notices.length ? { notices } : {}),
  };
  if (result.series.length === 0) {
    return [{ refId: query.refId, meta, fields: [] }];
  }
  return result.series.map((series) => {
    const times: number[] = [];
    const values: number[] = [];
    for (const [t, v] of series.values) {
      times.push(Math.round(t * 1000));
      values.push(parseSampleValue(v));
    }
    const name = displayName(query, series.metric);
    const valueField: Field = {
      name: 'Value',
      type: 'number',
      values,
      labels: series.metric,
      ...(name !== undefined ? { config: { displayNameFromDS: name } } : {}),
    };
    return {
      name: name ?? '',
      refId: query.refId,
      meta,
      fields: [{ name: 'Time', type: 'time', values: times, ...timeConfig }, valueField],
    };
  });
}
