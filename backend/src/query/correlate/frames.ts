import { counterShare, eq, histogramQuantile, memorySpanName } from '@memstack/telemetry/signals';
import { LIMITS, quantileName } from '../../../../contract';
import type { Frame } from '../frame';
import { selfLink, type SelfLink } from '../links';
import type { CorrelateQuery } from './parse';

/** What each source contributed, by memory operation; a missing part is undefined. */
export interface CorrelationParts {
  /** The query's latency quantile, in seconds. */
  latencySeconds?: Map<string, number>;
  errorRate?: Map<string, number>;
  topErrors?: Map<string, Array<{ type: string; count: number }>>;
  slowestTraces?: Map<string, string[]>;
  /** Why a part is missing: one line per failed source, naming it. */
  failures: string[];
}

/** The operation of the row a data link is clicked on; Grafana fills it in (DataLinkBuiltInVars.valueRaw). */
const CLICKED_OPERATION = '${__value.raw}';

type PromQLSettings = Pick<CorrelateQuery, 'quantile' | 'rateWindowSeconds'>;

/**
 * PromQL of the correlated view, from the signals' PromQL builder: the query's latency quantile
 * and the zero-filled error share the dashboards use (an operation without errors shows 0 rather
 * than nothing), both over the query's rate window. With an operation, that operation's only: the
 * PromQL its metrics links open.
 */
export function correlatePromQL(query: PromQLSettings, operation?: string): { latency: string; errorRate: string } {
  const window = `${Math.max(LIMITS.minCorrelateWindowSeconds, Math.round(query.rateWindowSeconds))}s`;
  const matchers = operation === undefined ? {} : { operation: eq(operation) };
  return {
    latency: histogramQuantile(query.quantile, 'memoryOperationDuration', matchers, ['operation'], window),
    errorRate: counterShare('memoryOperations', { status: eq('error') }, matchers, ['operation'], window),
  };
}

/** The latency column's name, e.g. "p95 latency". */
export function latencyFieldName(quantile: number): string {
  return `${quantileName(quantile)} latency`;
}

/**
 * Explore links of one row to the queries behind it: its logs, its traces (when there is a
 * service to search) and the PromQL of its latency and error rate, as instant queries at the end
 * of the range like the row's numbers. Internal links, so Explore opens in the current
 * organisation (no orgId in the link). Grafana: DATA-LINK-INTERNAL-EXPLORE (docs/grafana-behaviour.md)
 */
export function operationLinks(query: PromQLSettings, self: SelfLink, service: string | undefined) {
  const promQL = correlatePromQL(query, CLICKED_OPERATION);
  const latency = quantileName(query.quantile);
  return [
    selfLink(self, 'Logs of this operation', { queryType: 'logs', filters: { operation: CLICKED_OPERATION } }),
    ...(service
      ? [
          selfLink(self, 'Traces of this operation', {
            queryType: 'traces',
            service,
            operation: memorySpanName(CLICKED_OPERATION),
          }),
        ]
      : []),
    selfLink(self, `${latency} latency of this operation (PromQL)`, {
      queryType: 'metrics',
      expr: promQL.latency,
      legendFormat: `${latency} {{operation}}`,
      instant: true,
    }),
    selfLink(self, 'Error rate of this operation (PromQL)', {
      queryType: 'metrics',
      expr: promQL.errorRate,
      legendFormat: 'error rate {{operation}}',
      instant: true,
    }),
  ];
}

/**
 * One row per memory operation joining the latency quantile and error rate (Prometheus), the top
 * error types (Elasticsearch) and the slowest traces (Jaeger), with links to the queries behind
 * the row. A failed source leaves its columns empty and says so in a notice. Pure.
 */
export function correlationFrame(
  query: CorrelateQuery,
  parts: CorrelationParts,
  self: SelfLink,
  service: string | undefined
): Frame {
  const operations = new Set<string>();
  for (const map of [parts.latencySeconds, parts.errorRate, parts.topErrors, parts.slowestTraces]) {
    map?.forEach((_, op) => operations.add(op));
  }
  const rows = [...operations].sort();
  const notices = [...query.notices, ...parts.failures].map((text) => ({ severity: 'warning' as const, text }));
  const finite = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? null : v);
  return {
    name: 'Memory operations',
    refId: query.refId,
    meta: { preferredVisualisationType: 'table', ...(notices.length ? { notices } : {}) },
    fields: [
      {
        name: 'operation',
        type: 'string',
        values: rows,
        config: { links: operationLinks(query, self, service) },
      },
      {
        name: latencyFieldName(query.quantile),
        type: 'number',
        nullable: true, // an operation without latency samples has none
        values: rows.map((op) => finite(parts.latencySeconds?.get(op))),
        config: { unit: 's' },
      },
      {
        name: 'error rate',
        type: 'number',
        nullable: true,
        values: rows.map((op) => finite(parts.errorRate?.get(op))),
        config: { unit: 'percentunit' },
      },
      {
        name: 'top errors',
        type: 'string',
        values: rows.map((op) =>
          parts.topErrors ? (parts.topErrors.get(op) ?? []).map((e) => `${e.type} (${e.count})`).join(', ') : null
        ),
      },
      {
        name: 'slowest traces',
        type: 'string',
        values: rows.map((op) => (parts.slowestTraces ? (parts.slowestTraces.get(op) ?? []).join(', ') : null)),
      },
    ],
  };
}
