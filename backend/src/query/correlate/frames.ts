import { counterShare, eq, histogramQuantile, memorySpanName } from '@memstack/telemetry/signals';
import type { Frame } from '../frame';
import { selfLink, type SelfLink } from '../links';
import type { CorrelateQuery } from './parse';

/** What each source contributed, by memory operation; a missing part is undefined. */
export interface CorrelationParts {
  p99Seconds?: Map<string, number>;
  errorRate?: Map<string, number>;
  topErrors?: Map<string, Array<{ type: string; count: number }>>;
  slowestTraces?: Map<string, string[]>;
  /** Why a part is missing: one line per failed source, naming it. */
  failures: string[];
}

/**
 * PromQL of the correlated view over the query's range, from the signals' PromQL builder: the
 * error rate is the zero-filled share the dashboards use, so an operation without errors shows 0
 * rather than nothing.
 */
export function correlatePromQL(rangeSeconds: number): { p99: string; errorRate: string } {
  const window = `${Math.max(60, Math.round(rangeSeconds))}s`;
  return {
    p99: histogramQuantile(0.99, 'memoryOperationDuration', {}, ['operation'], window),
    errorRate: counterShare('memoryOperations', { status: eq('error') }, {}, ['operation'], window),
  };
}

/**
 * One row per memory operation joining p99 latency and error rate (Prometheus), the top error
 * types (Elasticsearch) and the slowest traces (Jaeger), with links to that operation's logs and
 * traces. A failed source leaves its columns empty and says so in a notice. Pure.
 */
export function correlationFrame(
  query: CorrelateQuery,
  parts: CorrelationParts,
  self: SelfLink,
  service: string | undefined
): Frame {
  const operations = new Set<string>();
  for (const map of [parts.p99Seconds, parts.errorRate, parts.topErrors, parts.slowestTraces]) {
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
        config: {
          links: [
            selfLink(self, 'Logs of this operation', { queryType: 'logs', filters: { operation: '${__value.raw}' } }),
            ...(service
              ? [
                  selfLink(self, 'Traces of this operation', {
                    queryType: 'traces',
                    service,
                    operation: memorySpanName('${__value.raw}'),
                  }),
                ]
              : []),
          ],
        },
      },
      {
        name: 'p99 latency',
        type: 'number',
        nullable: true, // an operation without latency samples has none
        values: rows.map((op) => finite(parts.p99Seconds?.get(op))),
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
