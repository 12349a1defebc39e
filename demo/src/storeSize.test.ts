import { createRequire } from 'node:module';
import { demoAgentType, mem0StoreCount } from './storeSize.js';

const require = createRequire(import.meta.url);

/** A stand-in for mem0's Memory holding a real SQLite database laid out as mem0's `vectors` table. */
function memoryWith(agentIds: Array<string | undefined>) {
  const Database = require('better-sqlite3');
  const db = new Database(':memory:');
  db.exec('CREATE TABLE vectors (id TEXT PRIMARY KEY, vector BLOB NOT NULL, payload TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO vectors VALUES (?, ?, ?)');
  agentIds.forEach((agentId, i) =>
    insert.run(
      String(i),
      Buffer.alloc(4),
      JSON.stringify({ user_id: 'u', data: 'x', ...(agentId ? { agent_id: agentId } : {}) })
    )
  );
  return { vectorStore: { db } };
}

describe('mem0StoreCount', () => {
  it('groups in SQL exactly as demoAgentType names the agent type', async () => {
    const ids = ['coding:u1', 'coding:u2', 'research:u1', 'plain', ':nobody', 'a:b:c', undefined];
    const expected: Record<string, number> = {};
    for (const id of ids) {
      expected[demoAgentType(id)] = (expected[demoAgentType(id)] ?? 0) + 1;
    }
    const counts = await mem0StoreCount(memoryWith(ids))(new AbortController().signal);
    expect(counts).toEqual(expected);
    expect(counts).toEqual({ coding: 2, research: 1, plain: 1, '': 1, a: 1, unknown: 1 });
  });

  it('answers nothing for an empty store, and fails on a store other than the SQLite one of mem0', async () => {
    expect(await mem0StoreCount(memoryWith([]))(new AbortController().signal)).toEqual({});
    await expect(mem0StoreCount({ vectorStore: {} })(new AbortController().signal)).rejects.toThrow(
      "mem0's vector store is not its in-process SQLite store"
    );
  });
});
