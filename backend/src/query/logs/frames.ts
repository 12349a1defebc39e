import type { Field, Frame, FrameMeta } from '../frame';
import { traceIdLink, type SelfLink } from '../links';
import type { LogsCountQuery, LogsQuery } from './parse';

const SEVERITY: Record<string, string> = {
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warning',
  WARNING: 'warning',
  ERROR: 'error',
  CRITICAL: 'critical',
};

/** Label fields of a log line: the event's keyword fields that are set. */
const LABEL_FIELDS = [
  'service',
  'agent_type',
  'operation',
  'performance_class',
  'error_type',
  'event_type',
  'level',
  'memory_action',
  'memory_id',
];

/** The query's own notices, then what Elasticsearch said makes its answer partial (searchWarnings). */
function noticeMeta(notices: string[], upstream: string[] = []): Pick<FrameMeta, 'notices'> {
  const all = [...notices, ...upstream];
  return all.length > 0 ? { notices: all.map((text) => ({ severity: 'warning' as const, text })) } : {};
}

/**
 * AI events as a dataplane `log-lines` frame (timestamp, body, severity, id, labels), which
 * Explore renders as logs; trace ids link to the trace view of this data source.
 */
export function logsFrame(
  query: LogsQuery,
  hits: Array<{ _id: string; _index: string; _source: Record<string, unknown> }>,
  total: number,
  self: SelfLink,
  upstreamWarnings: string[] = []
): Frame {
  const timestamps: number[] = [];
  const bodies: string[] = [];
  const severities: string[] = [];
  const ids: string[] = [];
  const labels: Array<Record<string, string>> = [];
  const traceIds: Array<string | null> = [];
  for (const hit of hits) {
    const doc = hit._source;
    timestamps.push(Date.parse(String(doc['@timestamp'])) || 0);
    const message = typeof doc.message === 'string' ? doc.message : '';
    bodies.push(message || `${doc.event_type ?? 'event'} ${doc.operation ?? ''}`.trim());
    severities.push(SEVERITY[String(doc.level ?? '').toUpperCase()] ?? 'unknown');
    ids.push(hit._id);
    const lineLabels: Record<string, string> = {};
    for (const key of LABEL_FIELDS) {
      if (doc[key] !== undefined && doc[key] !== null && doc[key] !== '') {
        lineLabels[key] = String(doc[key]);
      }
    }
    labels.push(lineLabels);
    traceIds.push(typeof doc.trace_id === 'string' ? doc.trace_id : null);
  }
  const notices = [...query.notices];
  if (total > hits.length) {
    notices.push(`Showing ${hits.length} of ${total} matching events; raise the limit or narrow the query.`);
  }
  const traceField: Field = {
    name: 'traceID',
    type: 'string',
    values: traceIds,
    config: {
      links: [traceIdLink(self)],
    },
  };
  return {
    name: 'AI events',
    refId: query.refId,
    meta: {
      type: 'log-lines',
      typeVersion: [0, 0],
      preferredVisualisationType: 'logs',
      ...noticeMeta(notices, upstreamWarnings),
    },
    fields: [
      { name: 'timestamp', type: 'time', values: timestamps },
      { name: 'body', type: 'string', values: bodies },
      { name: 'severity', type: 'string', values: severities },
      { name: 'id', type: 'string', values: ids },
      { name: 'labels', type: 'json', values: labels },
      traceField,
    ],
  };
}

interface HistogramBucket {
  key: number;
  doc_count: number;
}

/** Event counts over time as `timeseries-multi` frames, one per group, usable in alert rules. */
export function countFrames(
  query: LogsCountQuery,
  aggregations: Record<string, any> | undefined,
  upstreamWarnings: string[] = []
): Frame[] {
  const meta = {
    type: 'timeseries-multi',
    typeVersion: [0, 1] as [number, number],
    ...noticeMeta(query.notices, upstreamWarnings),
  };
  const series: Array<{ labels: Record<string, string>; buckets: HistogramBucket[] }> = query.groupBy
    ? ((aggregations?.groups?.buckets ?? []) as Array<{ key: string; over_time: { buckets: HistogramBucket[] } }>).map(
        (g) => ({
          labels: { [query.groupBy as string]: String(g.key) },
          buckets: g.over_time?.buckets ?? [],
        })
      )
    : [{ labels: {}, buckets: (aggregations?.over_time?.buckets ?? []) as HistogramBucket[] }];
  if (series.length === 0) {
    return [{ refId: query.refId, meta, fields: [] }];
  }
  return series.map(({ labels, buckets }) => ({
    name: Object.values(labels)[0] ?? 'count',
    refId: query.refId,
    meta,
    fields: [
      { name: 'Time', type: 'time', values: buckets.map((b) => b.key) },
      {
        name: 'Value',
        type: 'number',
        values: buckets.map((b) => b.doc_count),
        labels,
        config: { displayNameFromDS: Object.values(labels)[0] ?? 'count' },
      },
    ],
  }));
}
