import { searchWarnings } from '../../sources/elasticsearch';
import { countFrames, logsFrame } from './frames';
import type { LogsCountQuery, LogsQuery } from './parse';

const self = { uid: 'agentmemory', name: 'Agent Memory' };
const common = { refId: 'A', intervalMs: 1000, maxDataPoints: 100, range: { from: 0, to: 600_000 } };
const partial = searchWarnings({
  timed_out: false,
  _shards: {
    total: 4,
    successful: 2,
    failed: 2,
    failures: [
      { index: 'ai-events-pinned', shard: 1, reason: { type: 'no_shard_available_action_exception', reason: null } },
    ],
  },
});
const hit = {
  _id: 'e1',
  _index: '.ds-ai-events-stream-2026.12.07-000001',
  _source: { '@timestamp': '2026-12-07T10:00:00Z', message: 'm' },
};

describe('AI events frames with a partial answer', () => {
  it('a logs frame keeps its rows and says, as a warning after its own notices, that shards are missing', () => {
    const query: LogsQuery = {
      ...common,
      notices: ['The logs limit 9999 was capped to 5000.'],
      queryType: 'logs',
      filters: {},
      sort: 'desc',
      limit: 5000,
    };
    const frame = logsFrame(query, [hit], 1, self, partial);
    expect(frame.fields[0].values).toHaveLength(1);
    expect(frame.meta?.notices).toEqual([
      { severity: 'warning', text: 'The logs limit 9999 was capped to 5000.' },
      {
        severity: 'warning',
        text:
          'Elasticsearch: partial results: 2 of 4 shards answered, 2 failed (first: index ai-events-pinned shard 1: ' +
          'no_shard_available_action_exception). Events on the missing shards are not counted or shown.',
      },
    ]);
  });

  it('a whole answer adds no notice', () => {
    const query: LogsQuery = { ...common, notices: [], queryType: 'logs', filters: {}, sort: 'desc', limit: 10 };
    expect(logsFrame(query, [hit], 1, self, []).meta?.notices).toBeUndefined();
  });

  it('every count series carries the notice, and so does the empty frame of no series', () => {
    const query: LogsCountQuery = {
      ...common,
      notices: [],
      queryType: 'logs_count',
      filters: {},
      groupBy: 'operation',
    };
    const buckets = { buckets: [{ key: 0, doc_count: 2 }] };
    const frames = countFrames(
      query,
      {
        groups: {
          buckets: [
            { key: 'add', over_time: buckets },
            { key: 'search', over_time: buckets },
          ],
        },
      },
      partial
    );
    expect(frames).toHaveLength(2);
    for (const frame of frames) {
      expect(frame.meta?.notices).toEqual([{ severity: 'warning', text: partial[0] }]);
    }
    expect(countFrames(query, { groups: { buckets: [] } }, partial)[0].meta?.notices).toEqual([
      { severity: 'warning', text: partial[0] },
    ]);
  });
});
