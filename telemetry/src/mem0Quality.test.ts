import { lastWritten, recordQuality, writeDecisions, type QualityRecorder } from './mem0Quality.js';

/** Records what the recorders were asked, in order. */
function recorder() {
  const calls: unknown[][] = [];
  const r: QualityRecorder = {
    trackWriteOutcome: (...args) => calls.push(['write', ...args]),
    trackMemoriesPerAdd: (...args) => calls.push(['added', ...args]),
    trackSearchOutcome: (...args) => calls.push(['search', ...args]),
    trackRecallAge: (...args) => calls.push(['age', ...args]),
    countUnreadable: (...args) => calls.push(['unreadable', ...args]),
  };
  return { r, calls };
}

const NOW = Date.parse('2026-12-06T12:00:00Z');

describe('write outcomes', () => {
  it('reads mem0 3.x: only the stored memories, each metadata.event ADD', () => {
    const { r, calls } = recorder();
    recordQuality(r, 'add', 'coding', [{ metadata: { event: 'ADD' } }, { metadata: { event: 'ADD' } }], NOW);
    expect(calls).toEqual([
      ['write', 'add', 'coding', 'add', 2],
      ['added', 'coding', 2],
    ]);
  });

  it('records an add that stored nothing as 0 memories (every fact a duplicate)', () => {
    const { r, calls } = recorder();
    recordQuality(r, 'add', 'coding', [], NOW);
    expect(calls).toEqual([['added', 'coding', 0]]);
  });

  it('reads older mem0: a decision per fact, none for a fact already stored', () => {
    expect(
      writeDecisions([{ event: 'ADD' }, { event: 'UPDATE' }, { event: 'DELETE' }, { event: 'NONE' }, { event: 'NONE' }])
    ).toEqual({ add: 1, update: 1, delete: 1, none: 2 });
    expect(writeDecisions([{ event: 'SOMETHING' }, { event: 7 }, {}])).toEqual({
      add: 1,
      update: 0,
      delete: 0,
      none: 0,
    });
  });

  it('counts explicit updates and deletes', () => {
    const { r, calls } = recorder();
    recordQuality(r, 'update', 'research', undefined, NOW);
    recordQuality(r, 'delete', 'research', undefined, NOW);
    expect(calls).toEqual([
      ['write', 'update', 'research', 'update', 1],
      ['write', 'delete', 'research', 'delete', 1],
    ]);
  });

  it('counts an answer of an unknown shape instead of guessing', () => {
    const { r, calls } = recorder();
    recordQuality(r, 'add', 'coding', undefined, NOW);
    recordQuality(r, 'search', 'coding', undefined, NOW);
    expect(calls).toEqual([
      ['unreadable', 'add', 'result'],
      ['unreadable', 'search', 'result'],
    ]);
  });
});

describe('search outcomes', () => {
  it('records the result count, the best similarity and each memory age since its last write', () => {
    const { r, calls } = recorder();
    recordQuality(
      r,
      'search',
      'coding',
      [
        { score: 0.42, createdAt: '2026-12-06T11:00:00Z' },
        { score: 0.81, createdAt: '2026-12-01T12:00:00Z', updatedAt: '2026-12-06T11:59:00Z' },
      ],
      NOW
    );
    expect(calls).toEqual([
      ['search', 'coding', 2, 0.81],
      ['age', 'coding', 3600],
      ['age', 'coding', 60],
    ]);
  });

  it('records an empty search as 0 results, without a similarity', () => {
    const { r, calls } = recorder();
    recordQuality(r, 'search', 'coding', [], NOW);
    expect(calls).toEqual([['search', 'coding', 0, undefined]]);
  });

  it('counts results without scores or dates, and records what it can', () => {
    const { r, calls } = recorder();
    recordQuality(r, 'search', 'coding', [{ created_at: '2026-12-06T11:00:00Z' }, { score: 'high' }], NOW);
    expect(calls).toEqual([
      ['unreadable', 'search', 'score'],
      ['search', 'coding', 2, undefined],
      ['age', 'coding', 3600],
      ['unreadable', 'search', 'date'],
    ]);
  });

  it('reads the dates mem0 versions write, and none from garbage', () => {
    expect(lastWritten({ updated_at: '2026-12-06T11:00:00Z' })).toBe(Date.parse('2026-12-06T11:00:00Z'));
    expect(lastWritten({ createdAt: 1_796_558_400_000 })).toBe(1_796_558_400_000);
    expect(lastWritten({ createdAt: 'yesterday' })).toBeUndefined();
    expect(lastWritten({ createdAt: { toString: () => 'x' } })).toBeUndefined();
    expect(lastWritten(null as never)).toBeUndefined();
  });
});
