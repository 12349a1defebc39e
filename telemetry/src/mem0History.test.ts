import { AiEventLogger } from './events.js';
import type { AiEvent } from './enrich.js';
import type { EsClientLike } from './indexTemplate.js';
import { instrumentMem0 } from './mem0.js';
import { addChanges, explicitChange, historyRowOf, memoryChangeEvent, updateText } from './mem0History.js';
import { MemoryTelemetry } from './memoryTelemetry.js';
import { MEMORY_CONTENT_LIMIT, MEMORY_ID_LIMIT, resolvePrivacy } from './privacy.js';

const context = { operation: 'add', agentId: 'coding:u1', agentType: 'coding', userId: 'u1' };

describe('addChanges', () => {
  it('reads mem0 3.x answers: every memory stored is an add with its new text', () => {
    expect(
      addChanges([
        { id: 'm1', memory: 'likes tea', metadata: { event: 'ADD' } },
        { id: 'm2', memory: 'runs Go' },
      ])
    ).toEqual([
      { memoryId: 'm1', action: 'add', oldContent: undefined, newContent: 'likes tea' },
      { memoryId: 'm2', action: 'add', oldContent: undefined, newContent: 'runs Go' },
    ]);
  });

  it('reads older answers: UPDATE with the text it replaced, DELETE with the text removed, NONE skipped', () => {
    expect(
      addChanges([
        { id: 'm1', memory: 'likes green tea', event: 'UPDATE', previous_memory: 'likes tea' },
        { id: 'm2', memory: 'runs Go', event: 'DELETE' },
        { id: 'm3', memory: 'same', event: 'NONE' },
      ])
    ).toEqual([
      { memoryId: 'm1', action: 'update', oldContent: 'likes tea', newContent: 'likes green tea' },
      { memoryId: 'm2', action: 'delete', oldContent: 'runs Go' },
    ]);
  });

  it('skips memories without an id or with an unknown event, and odd items', () => {
    const odd = [
      null,
      42,
      { memory: 'no id' },
      { id: 7, memory: 'number id' },
      { id: 'm1', event: 'MERGE' },
      { id: '' },
    ];
    expect(addChanges(odd as never)).toEqual([]);
    // A memory without text is still a change: its history has the id, the text is unknown.
    expect(addChanges([{ id: 'm1', memory: { text: 'an object' } }])).toEqual([
      { memoryId: 'm1', action: 'add', oldContent: undefined, newContent: undefined },
    ]);
  });
});

describe('update text and history rows', () => {
  it('reads the text of update(id, text), update(id, { text }) and update(id, { data })', () => {
    expect(updateText('new')).toBe('new');
    expect(updateText({ text: 'new', metadata: {} })).toBe('new');
    expect(updateText({ data: 'old api' })).toBe('old api');
    expect(updateText({ metadata: { a: 1 } })).toBeUndefined();
    expect(updateText(null)).toBeUndefined();
  });

  const rows = [
    { memory_id: 'm1', previous_value: 'b', new_value: 'c', action: 'UPDATE' },
    { memory_id: 'm1', previous_value: 'a', new_value: 'b', action: 'UPDATE' },
    { memory_id: 'm1', previous_value: null, new_value: 'a', action: 'ADD' },
  ];

  it('finds the newest row of the write, matching an update by its text', () => {
    expect(historyRowOf(rows, 'update', 'c')).toBe(rows[0]);
    expect(historyRowOf(rows, 'update', 'b')).toBe(rows[1]);
    expect(historyRowOf(rows, 'update')).toBe(rows[0]);
    expect(historyRowOf(rows, 'update', 'never written')).toBeUndefined();
    expect(historyRowOf(rows, 'delete')).toBeUndefined();
  });

  it('reads the platform spelling, and nothing from a history of another shape', () => {
    const platform = [{ event: 'DELETE', old_memory: 'gone', new_memory: null }];
    expect(explicitChange('delete', 'm1', undefined, historyRowOf(platform, 'delete'))).toEqual({
      memoryId: 'm1',
      action: 'delete',
      oldContent: 'gone',
    });
    expect(historyRowOf({ results: rows }, 'update')).toBeUndefined();
    expect(historyRowOf([null, 'x'], 'update')).toBeUndefined();
  });

  it('builds an update or delete from its id, text and row; no id, no change', () => {
    expect(explicitChange('update', 'm1', 'c', rows[0])).toEqual({
      memoryId: 'm1',
      action: 'update',
      oldContent: 'b',
      newContent: 'c',
    });
    expect(explicitChange('update', 'm1', undefined, rows[0])?.newContent).toBe('c');
    expect(explicitChange('update', 'm1', 'c', undefined)).toEqual({
      memoryId: 'm1',
      action: 'update',
      oldContent: undefined,
      newContent: 'c',
    });
    expect(explicitChange('delete', undefined, undefined, rows[0])).toBeUndefined();
    expect(explicitChange('delete', { id: 'm1' }, undefined, undefined)).toBeUndefined();
  });
});

describe('memoryChangeEvent', () => {
  it('carries the action, id, who, trace and UTF-8 lengths; the message names neither id nor text', () => {
    const event = memoryChangeEvent(
      { memoryId: 'm1', action: 'update', oldContent: 'thé', newContent: 'coffee' },
      { ...context, operation: 'update', traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) }
    );
    expect(event).toMatchObject({
      event_type: 'memory_change',
      operation: 'update',
      memory_action: 'update',
      memory_id: 'm1',
      agent_type: 'coding',
      trace_id: 'a'.repeat(32),
      span_id: 'b'.repeat(16),
      old_content_length: 4,
      new_content_length: 6,
      message: 'memory updated (4 → 6 bytes)',
    });
    expect(memoryChangeEvent({ memoryId: 'm1', action: 'delete' }, context).message).toBe('memory deleted');
  });
});

/** A stand-in Elasticsearch client that keeps what the logger indexes. */
function capturingLogger(privacy: ConstructorParameters<typeof AiEventLogger>[0]['privacy']) {
  const docs: any[] = [];
  const client: EsClientLike = {
    helpers: {
      async bulk({ datasource }: any) {
        docs.push(...datasource);
        return { total: datasource.length, successful: datasource.length, failed: 0, aborted: false };
      },
    },
    indices: { putIndexTemplate: async () => undefined },
    nodes: { info: async () => ({ nodes: {} }) },
  };
  return { docs, logger: new AiEventLogger({ client, flushIntervalMs: 60_000, installTemplate: false, privacy }) };
}

describe('memory_change events through the logger privacy policy', () => {
  const change = { memoryId: 'm1', action: 'update' as const, oldContent: 'likes tea', newContent: 'likes coffee' };
  const hash = resolvePrivacy({ hashKey: 'k' }).hash;

  it('by default sends the memory id and both contents as keyed hashes, never the text', async () => {
    const { docs, logger } = capturingLogger({ hashKey: 'k' });
    logger.log(memoryChangeEvent(change, context));
    await logger.close();
    expect(docs[0]).toMatchObject({
      memory_id: hash('m1'),
      old_content_hash: hash('likes tea'),
      new_content_hash: hash('likes coffee'),
      old_content_length: 9,
      new_content_length: 12,
    });
    expect(docs[0]).not.toHaveProperty('old_content');
    expect(docs[0]).not.toHaveProperty('new_content');
    expect(JSON.stringify(docs[0])).not.toContain('tea');
  });

  it('keeps the id and the text (cut, hashed whole) on opt-in, and drops both on request', async () => {
    const long = 'x'.repeat(MEMORY_CONTENT_LIMIT + 10);
    const kept = capturingLogger({ hashKey: 'k', memoryId: 'keep', memoryContent: 'keep' });
    kept.logger.log(memoryChangeEvent({ ...change, memoryId: 'i'.repeat(1000), newContent: long }, context));
    await kept.logger.close();
    expect(kept.docs[0].memory_id).toBe('i'.repeat(MEMORY_ID_LIMIT));
    expect(kept.docs[0].old_content).toBe('likes tea');
    expect(kept.docs[0].new_content).toHaveLength(MEMORY_CONTENT_LIMIT);
    expect(kept.docs[0].new_content_hash).toBe(hash(long));
    expect(kept.docs[0].new_content_length).toBe(long.length);

    const dropped = capturingLogger({ memoryId: 'drop', memoryContent: 'drop' });
    dropped.logger.log(memoryChangeEvent(change, context));
    await dropped.logger.close();
    for (const field of ['memory_id', 'old_content', 'new_content', 'old_content_hash', 'new_content_hash']) {
      expect(dropped.docs[0]).not.toHaveProperty(field);
    }
    expect(dropped.docs[0].new_content_length).toBe(12);
  });

  it('hashes the memory id of memory_operation events too', async () => {
    const { docs, logger } = capturingLogger({ hashKey: 'k' });
    logger.log({ event_type: 'memory_operation', operation: 'get', memory_id: 'm1' });
    await logger.close();
    expect(docs[0].memory_id).toBe(hash('m1'));
  });
});

/** A stand-in mem0 Memory with a history table, as mem0 3.x answers. */
function fakeMem0(options: { historyFails?: boolean } = {}) {
  const store = new Map<string, string>();
  const history: Array<{ memory_id: string; previous_value: string | null; new_value: string | null; action: string }> =
    [];
  let next = 0;
  return {
    history,
    memory: {
      async add(messages: string) {
        const id = `m${++next}`;
        store.set(id, messages);
        history.unshift({ memory_id: id, previous_value: null, new_value: messages, action: 'ADD' });
        return { results: [{ id, memory: messages, metadata: { event: 'ADD' } }] };
      },
      async update(id: string, config: string | { text: string }) {
        const text = typeof config === 'string' ? config : config.text;
        if (!store.has(id)) {
          throw new Error(`Memory with ID ${id} not found`);
        }
        history.unshift({ memory_id: id, previous_value: store.get(id)!, new_value: text, action: 'UPDATE' });
        store.set(id, text);
        return { message: 'Memory updated successfully!' };
      },
      async delete(id: string) {
        history.unshift({ memory_id: id, previous_value: store.get(id)!, new_value: null, action: 'DELETE' });
        store.delete(id);
        return { message: 'Memory deleted successfully!' };
      },
      async history(id: string) {
        if (options.historyFails) {
          throw new Error('history store is down');
        }
        return history.filter((row) => row.memory_id === id);
      },
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('instrumentMem0 memory_change events', () => {
  function instrumented(options: { historyFails?: boolean; readHistory?: boolean } = {}) {
    const events: AiEvent[] = [];
    const fake = fakeMem0(options);
    const memory = instrumentMem0(fake.memory, {
      telemetry: new MemoryTelemetry(),
      events: { log: (event) => events.push(event) },
      readHistory: options.readHistory,
    });
    const changes = () => events.filter((e) => e.event_type === 'memory_change');
    return { memory, changes, events, fake };
  }

  it('logs one change per write: add from the answer, update and delete with the text mem0 history says they replaced', async () => {
    const { memory, changes } = instrumented();
    const { results } = await memory.add('likes tea');
    const id = results[0].id;
    await memory.update(id, { text: 'likes coffee' });
    await memory.delete(id);
    await settle();
    expect(changes().map((e) => [e.memory_action, e.memory_id, e.old_content, e.new_content])).toEqual([
      ['add', id, undefined, 'likes tea'],
      ['update', id, 'likes tea', 'likes coffee'],
      ['delete', id, 'likes coffee', undefined],
    ]);
  });

  it('without the history (failing, or off), update and delete still log, the old content unknown', async () => {
    for (const options of [{ historyFails: true }, { readHistory: false }]) {
      const { memory, changes } = instrumented(options);
      const { results } = await memory.add('likes tea');
      await memory.update(results[0].id, 'likes coffee');
      await memory.delete(results[0].id);
      await settle();
      expect(changes().map((e) => [e.memory_action, e.old_content, e.new_content])).toEqual([
        ['add', undefined, 'likes tea'],
        ['update', undefined, 'likes coffee'],
        ['delete', undefined, undefined],
      ]);
    }
  });

  it('logs no change for a failed write, and the host gets its own error', async () => {
    const { memory, changes, events } = instrumented();
    await expect(memory.update('missing', 'x')).rejects.toThrow('Memory with ID missing not found');
    await settle();
    expect(changes()).toEqual([]);
    expect(events.map((e) => e.event_type)).toEqual(['memory_operation']);
  });

  it('never throws into the host when the sink or the history answer is hostile', async () => {
    const hostile = new Proxy([], {
      get() {
        throw new Error('hostile history');
      },
    });
    const fake = fakeMem0();
    const memory = instrumentMem0(
      { ...fake.memory, history: async () => hostile },
      {
        telemetry: new MemoryTelemetry(),
        events: {
          log(event) {
            if (event.event_type === 'memory_change') {
              throw new Error('sink exploded');
            }
          },
        },
      }
    );
    const { results } = await memory.add('likes tea');
    await expect(memory.update(results[0].id, 'likes coffee')).resolves.toEqual({
      message: 'Memory updated successfully!',
    });
    await settle();
  });
});
