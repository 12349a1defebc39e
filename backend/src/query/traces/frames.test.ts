import type { JaegerTrace } from '../../sources/jaeger';
import type { SelfLink } from '../links';
import type { TracesQuery } from './parse';
import { spanExtent, traceTableFrame } from './frames';

const query: TracesQuery = {
  queryType: 'traces',
  refId: 'T',
  intervalMs: 0,
  maxDataPoints: 0,
  range: { from: 0, to: 1 },
  notices: [],
  service: 'memory-api',
  tags: {},
  limit: 20,
};
const self: SelfLink = { uid: 'ds', name: 'Agent Memory' };

/** A runaway trace: one root and `count - 1` children, in microseconds as Jaeger sends them. */
function runawayTrace(count: number): JaegerTrace {
  const spans: JaegerTrace['spans'] = new Array(count);
  for (let i = 0; i < count; i++) {
    spans[i] = {
      traceID: 'abc',
      spanID: `s${i}`,
      operationName: i === 0 ? 'ai.memory.search' : 'loop',
      references: i === 0 ? [] : [{ refType: 'CHILD_OF', traceID: 'abc', spanID: 's0' }],
      startTime: 2_000_000 + i,
      duration: i === 7 ? 9_000 : 10,
      processID: 'p1',
    };
  }
  spans[count - 1].startTime = 1_000_000; // the earliest span is the last one sent
  return { traceID: 'abc', spans, processes: { p1: { serviceName: 'memory-api' } } };
}

describe('trace extent', () => {
  it('is found with a loop: 200,000 spans are more arguments than Math.min(...spans) takes', () => {
    const trace = runawayTrace(200_000);
    expect(() => Math.min(...trace.spans.map((s) => s.startTime))).toThrow(RangeError);
    expect(spanExtent(trace.spans)).toEqual({ start: 1_000_000, end: 2_000_000 + 199_998 + 10, longest: 9_000 });
  });

  it('is 0 for a trace without spans', () => {
    expect(spanExtent([])).toEqual({ start: 0, end: 0, longest: 0 });
  });

  it('lists a 200,000-span trace in the search table with its whole duration', () => {
    const frame = traceTableFrame(query, [runawayTrace(200_000)], self);
    const row = Object.fromEntries(frame.fields.map((f) => [f.name, f.values[0]]));
    expect(row).toEqual({
      traceID: 'abc',
      traceName: 'memory-api: ai.memory.search',
      startTime: 1000,
      duration: (2_199_998 + 10 - 1_000_000) / 1000,
      spans: 200_000,
    });
  });
});
