import type { Frame } from '../frame';
import type { JaegerSpan, JaegerTrace } from '../../sources/jaeger';
import { traceIdLink, type SelfLink } from '../links';
import type { TracesQuery } from './parse';

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

/**
 * When a trace's spans start and end, and its longest span, in Jaeger's microseconds (all 0 for
 * a trace without spans). A loop: Math.min(...spans) passes every span as an argument and throws
 * "RangeError: Maximum call stack size exceeded" past roughly 125,000 of them (Node 24's
 * default stack, as in the plugin executable), which a runaway trace reaches.
 */
export function spanExtent(spans: ReadonlyArray<Pick<JaegerSpan, 'startTime' | 'duration'>>): {
  start: number;
  end: number;
  longest: number;
} {
  if (spans.length === 0) {
    return { start: 0, end: 0, longest: 0 };
  }
  let start = Infinity;
  let end = -Infinity;
  let longest = -Infinity;
  for (const span of spans) {
    start = Math.min(start, span.startTime);
    end = Math.max(end, span.startTime + span.duration);
    longest = Math.max(longest, span.duration);
  }
  return { start, end, longest };
}

/** Search results as a table: one row per trace, its id linking to the trace view. */
export function traceTableFrame(query: TracesQuery, traces: JaegerTrace[], self: SelfLink): Frame {
  const rows = traces.map((trace) => {
    const root = trace.spans.find((s) => !s.references?.some((r) => r.refType === 'CHILD_OF')) ?? trace.spans[0];
    const { start, end } = spanExtent(trace.spans);
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
