import type { StoreCount } from '@memstack/telemetry';

/** The demo's agent type of a mem0 agent id "type:user"; the store count below groups the same way. */
export function demoAgentType(agentId: string | undefined): string {
  return agentId?.split(':')[0] ?? 'unknown';
}

/**
 * Memories per agent type in one pass over mem0's in-process vector store (provider "memory": a
 * better-sqlite3 database whose `vectors` table holds each memory's payload as JSON, `agent_id`
 * among it). Grouped in SQL by the text before the first ":" of the agent id, as demoAgentType.
 */
export const STORE_COUNT_SQL = `SELECT
    CASE WHEN instr(agent_id, ':') > 0 THEN substr(agent_id, 1, instr(agent_id, ':') - 1)
         ELSE coalesce(agent_id, 'unknown') END AS agent_type,
    count(*) AS memories
  FROM (SELECT json_extract(payload, '$.agent_id') AS agent_id FROM vectors)
  GROUP BY agent_type`;

interface SqliteLike {
  prepare(sql: string): { all(): unknown[] };
}

/**
 * The store count of a mem0 `Memory` on the in-process vector store. mem0 has no API that counts
 * without listing every memory, so this reads its store's database (`memory.vectorStore.db`, a
 * property of mem0 3.x, not a documented API): another store, or another mem0 shape, makes each
 * count fail, which the sampler reports once. better-sqlite3 is synchronous, so the query holds
 * the event loop for its length: one scan of the table,
 * a few ms for the demo's thousands of memories.
 */
export function mem0StoreCount(memory: unknown): StoreCount {
  return async () => {
    const db = (memory as { vectorStore?: { db?: SqliteLike } } | null)?.vectorStore?.db;
    if (typeof db?.prepare !== 'function') {
      throw new Error("mem0's vector store is not its in-process SQLite store");
    }
    const counts: Record<string, number> = {};
    for (const row of db.prepare(STORE_COUNT_SQL).all() as Array<{ agent_type: string; memories: number }>) {
      counts[row.agent_type] = row.memories;
    }
    return counts;
  };
}
