import { tableFromIPC } from 'apache-arrow';
import { encodeFrame } from './arrow';
import { countFrames, logsFrame } from './logs/frames';
import { interpolateMacros } from './metrics/window';
import type { LogsCountQuery, LogsQuery } from './logs/parse';
import type { TracesQuery } from './traces/parse';
import { traceFrame, traceTableFrame } from './traces/frames';

const common = {
  refId: 'A',
  intervalMs: 1000,
  maxDataPoints: 100,
  range: { from: 0, to: 60_000 },
  notices: [] as string[],
};
const self = { uid: 'agentmemory', name: 'Agent Memory' };

describe('logs frames', () => {
  const query: LogsQuery = { ...common, queryType: 'logs', filters: {}, sort: 'desc', limit: 1 };
  const hits = [
    {
      _id: 'e1',
      _index: 'ai-events-2026.11.25',
      _source: {
        '@timestamp': '2026-11-25T10:00:00Z',
        level: 'ERROR',
        message: 'TimeoutError: slow',
        operation: 'search',
        agent_type: 'coding',
        trace_id: 'abc',
      },
    },
  ];

  it('is a dataplane log-lines frame with severity, labels and a trace link', () => {
    const frame = logsFrame(query, hits, 7, self);
    expect(frame.meta).toMatchObject({ type: 'log-lines', preferredVisualisationType: 'logs' });
    expect(frame.meta?.notices?.[0].text).toContain('Showing 1 of 7');
    expect(frame.fields.map((f) => f.name)).toEqual(['timestamp', 'body', 'severity', 'id', 'labels', 'traceID']);
    expect(frame.fields[2].values).toEqual(['error']);
    expect(frame.fields[4].values).toEqual([{ agent_type: 'coding', operation: 'search', level: 'ERROR' }]);
    expect(frame.fields[5].config?.links?.[0].internal?.query).toEqual({
      queryType: 'traces',
      traceId: '${__value.raw}',
    });
  });

  it("labels a memory's history lines with the action and the memory id", () => {
    const change = {
      _id: 'e2',
      _index: 'ai-events-2026.11.25',
      _source: {
        '@timestamp': '2026-11-25T10:00:00Z',
        level: 'INFO',
        message: 'memory updated (9 → 12 bytes)',
        event_type: 'memory_change',
        operation: 'update',
        memory_action: 'update',
        memory_id: 'h:0123abcd',
        new_content_hash: 'h:ffff',
      },
    };
    expect(logsFrame(query, [change], 1, self).fields[4].values).toEqual([
      {
        operation: 'update',
        event_type: 'memory_change',
        level: 'INFO',
        memory_action: 'update',
        memory_id: 'h:0123abcd',
      },
    ]);
  });

  it('encodes labels as Arrow binary JSON', () => {
    const table = tableFromIPC(encodeFrame(logsFrame(query, hits, 1, self)));
    const labels = table.getChild('labels')!.get(0) as Uint8Array;
    expect(JSON.parse(new TextDecoder().decode(labels))).toEqual({
      agent_type: 'coding',
      operation: 'search',
      level: 'ERROR',
    });
  });
});

describe('count frames', () => {
  it('gives one labelled series per group', () => {
    const query: LogsCountQuery = { ...common, queryType: 'logs_count', filters: {}, groupBy: 'error_type' };
    const frames = countFrames(query, {
      groups: {
        buckets: [
          {
            key: 'TimeoutError',
            over_time: {
              buckets: [
                { key: 0, doc_count: 2 },
                { key: 1000, doc_count: 0 },
              ],
            },
          },
        ],
      },
    });
    expect(frames).toHaveLength(1);
    expect(frames[0].fields[1]).toMatchObject({ values: [2, 0], labels: { error_type: 'TimeoutError' } });
  });
});

describe('trace frames', () => {
  const trace = {
    traceID: 't1',
    processes: { p1: { serviceName: 'memory-api', tags: [{ key: 'host', value: 'a' }] } },
    spans: [
      {
        traceID: 't1',
        spanID: 's1',
        operationName: 'ai.memory.search',
        startTime: 1_000_000,
        duration: 5000,
        processID: 'p1',
        tags: [{ key: 'ai.operation', value: 'search' }],
        logs: [],
      },
      {
        traceID: 't1',
        spanID: 's2',
        operationName: 'cache_lookup',
        references: [{ refType: 'CHILD_OF', traceID: 't1', spanID: 's1' }],
        startTime: 1_001_000,
        duration: 1000,
        processID: 'p1',
        logs: [{ timestamp: 1_001_500, fields: [{ key: 'event', value: 'hit' }] }],
      },
    ],
  };
  const query: TracesQuery = { ...common, queryType: 'traces', traceId: 't1', tags: {}, limit: 20 };

  it('has the fields of the trace view, times in milliseconds, parents from references', () => {
    const frame = traceFrame(query, trace);
    const byName = Object.fromEntries(frame.fields.map((f) => [f.name, f.values]));
    expect(frame.meta?.preferredVisualisationType).toBe('trace');
    expect(byName.parentSpanID).toEqual([null, 's1']);
    expect(byName.startTime).toEqual([1000, 1001]);
    expect(byName.duration).toEqual([5, 1]);
    expect(byName.serviceTags[0]).toEqual([{ key: 'host', value: 'a' }]);
    expect(byName.logs[1]).toEqual([{ timestamp: 1001.5, fields: [{ key: 'event', value: 'hit' }] }]);
  });

  it('lists search results with the root span name and the whole trace duration', () => {
    const frame = traceTableFrame({ ...query, traceId: undefined, service: 'memory-api' }, [trace], self);
    expect(frame.fields.map((f) => f.values[0])).toEqual(['t1', 'memory-api: ai.memory.search', 1000, 5, 2]);
  });
});

describe('interval macros', () => {
  const window = { startSec: 0, endSec: 3600, stepSec: 30 };
  const range = { from: 0, to: 3_600_000 };

  it('are replaced server-side as Grafana does', () => {
    const expr =
      'rate(x[$__rate_interval]) + rate(x[$__interval]) + $__interval_ms + increase(x[$__range]) + $__range_s + $__rate_interval_ms';
    expect(interpolateMacros(expr, window, range, 15)).toBe(
      'rate(x[60s]) + rate(x[30s]) + 30000 + increase(x[3600s]) + 3600 + 60000'
    );
  });

  it('derive $__rate_interval from the scrape interval: max(step + scrape, 4 × scrape)', () => {
    expect(interpolateMacros('[$__rate_interval]', window, range, 60)).toBe('[240s]');
    expect(interpolateMacros('[$__rate_interval]', { ...window, stepSec: 300 }, range, 60)).toBe('[360s]');
    expect(interpolateMacros('[$__rate_interval]', window, range, 5)).toBe('[35s]');
  });
});
