import type { Frame } from '../protocol/frame';
import type { JaegerTrace } from '../sources/jaeger';
import { traceIdLink, type SelfLink } from './eventFrames';
import type { TracesQuery } from './model';

const keyValues = (tags: Array<{ key: string; value: unknown }> | undefined) =>
  (tags ?? []).map((t) => ({ key: t.key, value: t.value }));

/** One trace in the shape Grafana's trace view renders (the fields of its Jaeger data source). */
export function traceFrame(query: TracesQuery, trace: JaegerTrace): Frame {
  const spans = trace.spans;
  const parentOf = (span: JaegerTrace['spans'][number]) =>
    span.references?.find((r) => r.refType === 'CHILD_OF')?.spanID ?? null;
  const process = (span: JaegerTrace['spans'][number]) =>
    trace.processes[span.processID] ?? { serviceName: 'unknown', tags: [] };
  return {
    name: 'Trace',
    refId: query.refId,
    meta: { preferredVisualisationType: 'trace', custom: { traceFormat: 'jaeger' } },
    fields: [
      { name: 'traceID', type: 'string', values: spans.map((s) => s.traceID) },
      { name: 'spanID', type: 'string', values: spans.map((s) => s.spanID) },
      { name: 'parentSpanID', type: 'string', values: spans.map(parentOf) },
      { name: 'operationName', type: 'string', values: spans.map((s) => s.operationName) },
      { name: 'serviceName', type: 'string', values: spans.map((s) => process(s).serviceName) },
      { name: 'serviceTags', type: 'json', values: spans.map((s) => keyValues(process(s).tags)) },
      { name: 'startTime', type: 'number', values: spans.map((s) => s.startTime / 1000) },
      { name: 'duration', type: 'number', values: spans.map((s) => s.duration / 1000) },
      {
        name: 'logs',
        type: 'json',
        values: spans.map((s) =>
          (s.logs ?? []).map((l) => ({ timestamp: l.timestamp / 1000, fields: keyValues(l.fields) }))
        ),
      },
      { name: 'tags', type: 'json', values: spans.map((s) => keyValues(s.tags)) },
      { name: 'warnings', type: 'json', values: spans.map((s) => s.warnings ?? []) },
    ],
  };
}

/** Search results as a table: one row per trace, its id linking to the trace view. */
export function traceTableFrame(query: TracesQuery, traces: JaegerTrace[], self: SelfLink): Frame {
  const rows = traces.map((trace) => {
    const root = trace.spans.find((s) => !s.references?.some((r) => r.refType === 'CHILD_OF')) ?? trace.spans[0];
    const start = Math.min(...trace.spans.map((s) => s.startTime));
    const end = Math.max(...trace.spans.map((s) => s.startTime + s.duration));
    return {
      traceID: trace.traceID,
      traceName: root ? `${trace.processes[root.processID]?.serviceName ?? ''}: ${root.operationName}` : '',
      startTime: start / 1000,
      duration: (end - start) / 1000,
      spans: trace.spans.length,
    };
  });
  rows.sort((a, b) => b.startTime - a.startTime);
  return {
    name: 'Traces',
    refId: query.refId,
    meta: {
      preferredVisualisationType: 'table',
      ...(query.notices.length
        ? { notices: query.notices.map((text) => ({ severity: 'warning' as const, text })) }
        : {}),
    },
    fields: [
      {
        name: 'traceID',
        type: 'string',
        values: rows.map((r) => r.traceID),
        config: {
          links: [traceIdLink(self)],
        },
      },
      { name: 'traceName', type: 'string', values: rows.map((r) => r.traceName) },
      { name: 'startTime', type: 'time', values: rows.map((r) => r.startTime) },
      { name: 'duration', type: 'number', values: rows.map((r) => r.duration), config: { unit: 'ms' } },
      { name: 'spans', type: 'number', values: rows.map((r) => r.spans) },
    ],
  };
}
