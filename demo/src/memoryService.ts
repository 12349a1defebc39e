import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { traceChild, withMemoryCaller, type AiEventLogger, type MemoryTelemetry } from '@memstack/telemetry';
import type { Breakers } from './breakers.js';
import { noFaults, type DemoFaults } from './faults.js';

/** How long a cached search answer may be served: new memories show up in searches within it. */
const CACHE_TTL_SECONDS = 180;
/** How many of a user's memories one consolidation run examines. */
const CONSOLIDATION_SCAN = 1000;

// pg and redis are loaded with require() after tracing is set up, so that their
// OpenTelemetry instrumentations see them (ESM imports bypass the require hooks).
const require = createRequire(import.meta.url);

export interface Mem0Like {
  add(
    messages: string | Array<{ role: string; content: string }>,
    options: Record<string, unknown>
  ): Promise<{ results: MemoryItem[] }>;
  search(query: string, options: Record<string, unknown>): Promise<{ results: MemoryItem[] }>;
  get(id: string): Promise<MemoryItem | null>;
  getAll(options: Record<string, unknown>): Promise<{ results: MemoryItem[] }>;
  update(id: string, text: string): Promise<{ message: string }>;
  delete(id: string): Promise<{ message: string }>;
  history(id: string): Promise<unknown[]>;
}

export interface MemoryItem {
  id: string;
  memory: string;
  score?: number;
  user_id?: string;
}

export interface Caller {
  userId: string;
  agentId: string;
  agentType: string;
}

/** A memory service as the guide's mem0 stack runs it: mem0 behind a Redis cache, with Neo4j and PostgreSQL beside it. */
export class MemoryService {
  private redis: any;
  private pg: any;
  private neo4j: any;
  private flood: any[] = [];
  maintenance = false;

  constructor(
    private readonly memory: Mem0Like,
    private readonly telemetry: MemoryTelemetry,
    private readonly events: AiEventLogger,
    private readonly breakers: Breakers,
    private readonly urls: { redisUrl: string; postgresUrl: string; neo4jUrl: string },
    private readonly faults: DemoFaults = noFaults(breakers.latency)
  ) {}

  /** A mem0 call through the vector store breaker, with the caller known to instrumentMem0. */
  private vector<T>(caller: Caller, fn: () => Promise<T>): Promise<T> {
    return this.breakers.call('vector_store', () => withMemoryCaller(caller, fn));
  }

  async connect(): Promise<void> {
    const { createClient } = require('redis');
    // No offline queue: while Redis is down a command fails at once and the breaker sees it.
    this.redis = createClient({
      url: this.urls.redisUrl,
      disableOfflineQueue: true,
      socket: { reconnectStrategy: () => 500, connectTimeout: 1000 },
    });
    this.redis.on('error', () => undefined);
    await this.redis.connect().catch(() => undefined);
    const pg = require('pg');
    this.pg = new pg.Pool({ connectionString: this.urls.postgresUrl, max: 4, connectionTimeoutMillis: 1000 });
    this.pg.on('error', () => undefined);
    await this.breakers
      .call('postgres', () =>
        this.pg.query(`CREATE TABLE IF NOT EXISTS memory_audit (
          id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), operation text NOT NULL, user_id text,
          agent_type text, memory_id text, duration_ms real, status text NOT NULL)`)
      )
      .catch(() => undefined);
    const neo4j = require('neo4j-driver');
    this.neo4j = neo4j.driver(this.urls.neo4jUrl, undefined, {
      connectionTimeout: 1000,
      maxConnectionPoolSize: 8,
      logging: { level: 'error', logger: () => undefined },
    });
    // Unique constraints make the MERGEs index lookups instead of label scans.
    for (const [label, key] of [
      ['User', 'id'],
      ['Memory', 'id'],
      ['Entity', 'name'],
    ]) {
      await this.neo4j
        .executeQuery(`CREATE CONSTRAINT IF NOT EXISTS FOR (n:${label}) REQUIRE n.${key} IS UNIQUE`)
        .catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.holdConnections(0);
    await Promise.allSettled([this.redis?.quit(), this.pg?.end(), this.neo4j?.close()]);
  }

  /** Opens or closes idle PostgreSQL connections until `count` are held (the connection flood fault). */
  async holdConnections(count: number): Promise<number> {
    const pg = require('pg');
    while (this.flood.length > count) {
      await this.flood
        .pop()
        .end()
        .catch(() => undefined);
    }
    while (this.flood.length < count) {
      const client = new pg.Client({ connectionString: this.urls.postgresUrl, connectionTimeoutMillis: 2000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
      } catch {
        break; // the server refuses more: that is the flood's point
      }
      this.flood.push(client);
    }
    return this.flood.length;
  }

  /** Degradation follows the breakers: cache down is reduced, graph or audit down essential, vector store down read-only. */
  updateDegradation(): void {
    // Half-open is still down: the breaker is only probing, and most calls still fail fast.
    const state = (s: string) => this.breakers.state(s) !== 'closed';
    const level = this.maintenance
      ? 'maintenance'
      : state('vector_store')
        ? 'readonly'
        : state('neo4j') || state('postgres')
          ? 'essential'
          : state('redis') || state('elasticsearch')
            ? 'reduced'
            : 'normal';
    this.telemetry.setDegradationLevel('memory-api', level);
  }

  private assertWritable(): void {
    if (this.maintenance) {
      throw new MaintenanceError();
    }
  }

  async add(caller: Caller, messages: Array<{ role: string; content: string }>): Promise<MemoryItem[]> {
    this.assertWritable();
    const started = performance.now();
    const result = await this.vector(caller, () =>
      this.memory.add(messages, { userId: caller.userId, agentId: caller.agentId })
    );
    await Promise.all(result.results.map((item) => this.linkInGraph(caller.userId, item)));
    await this.audit('add', caller, result.results[0]?.id, started, 'success');
    this.updateDegradation();
    return result.results;
  }

  async search(
    caller: Caller,
    query: string,
    limit = 5
  ): Promise<{ results: MemoryItem[]; cached: boolean; related: number }> {
    if (query.length > MAX_QUERY_CHARS) {
      // Refused before mem0 is asked (no memory operation runs), and reported: agents that paste
      // whole documents into a search are a bug worth seeing on the error panels.
      const error = new QueryTooLongError(query.length);
      this.events.log({
        event_type: 'request_rejected',
        operation: 'search',
        level: 'ERROR',
        message: `${error.name}: ${error.message}`,
        error_type: error.name,
        agent_id: caller.agentId,
        agent_type: caller.agentType,
        user_id: caller.userId,
      });
      throw error;
    }
    const started = performance.now();
    const key = this.cacheKey(caller.userId, query, limit);
    const cached = this.faults.cacheMissStorm ? undefined : await this.cacheGet(key);
    this.telemetry.trackCacheHit('redis', 'search', cached !== undefined);
    this.events.log({
      event_type: 'cache_lookup',
      operation: 'search',
      level: 'INFO',
      message: cached ? 'search answered from the Redis cache' : 'search missed the Redis cache',
      agent_id: caller.agentId,
      agent_type: caller.agentType,
      user_id: caller.userId,
      cache_hit: cached !== undefined,
      query,
      duration_ms: performance.now() - started,
    });
    if (this.faults.criticalErrors) {
      this.events.log({
        event_type: 'agent_error',
        operation: 'search',
        level: 'CRITICAL',
        message: 'EmbeddingDimensionError: the vector store returned embeddings of 768 dimensions, expected 256',
        error_type: 'EmbeddingDimensionError',
        agent_id: caller.agentId,
        agent_type: caller.agentType,
        user_id: caller.userId,
      });
    }
    if (cached) {
      return { results: cached, cached: true, related: 0 };
    }
    const result = await this.vector(caller, () =>
      this.memory.search(query, { filters: { user_id: caller.userId }, topK: limit })
    );
    this.telemetry.trackCacheHit('vector', 'search', result.results.length > 0);
    const related = await this.relatedInGraph(result.results.map((r) => r.id));
    this.telemetry.trackCacheHit('graph', 'search', related > 0);
    await this.cacheSet(key, result.results);
    await this.audit('search', caller, result.results[0]?.id, started, 'success');
    this.updateDegradation();
    return { results: result.results, cached: false, related };
  }

  /**
   * The memory with this id when mem0 stored it for the caller's user_id, undefined when mem0 has
   * no memory with this id; another user's memory throws MemoryNotFoundError. An id alone is no
   * proof of ownership: ids show up in logs, traces and shared links.
   */
  private async ownedOrAbsent(caller: Caller, id: string): Promise<MemoryItem | undefined> {
    const item = await this.vector(caller, () => this.memory.get(id));
    if (!item) {
      return undefined;
    }
    if (item.user_id !== caller.userId) {
      throw new MemoryNotFoundError();
    }
    return item;
  }

  /** The caller's memory with this id; absent or another user's throws the same MemoryNotFoundError. */
  private async owned(caller: Caller, id: string): Promise<MemoryItem> {
    const item = await this.ownedOrAbsent(caller, id);
    if (!item) {
      throw new MemoryNotFoundError();
    }
    return item;
  }

  async get(caller: Caller, id: string): Promise<MemoryItem> {
    return this.owned(caller, id);
  }

  /** The user's memories; mem0 answers its 20 most recent unless asked for more. */
  async getAll(caller: Caller, topK = 20): Promise<MemoryItem[]> {
    return (await this.vector(caller, () => this.memory.getAll({ filters: { user_id: caller.userId }, topK }))).results;
  }

  /** History of the caller's own memory (mem0 keeps the history of deleted ones, which stay hidden). */
  async history(caller: Caller, id: string): Promise<unknown[]> {
    await this.owned(caller, id);
    return this.vector(caller, () => this.memory.history(id));
  }

  async update(caller: Caller, id: string, text: string): Promise<void> {
    this.assertWritable();
    const started = performance.now();
    // An id mem0 does not know goes on to mem0, whose own "not found" failure is a real error path
    // of the demo's signals (the API answers it with the same 404 as another user's id).
    await this.ownedOrAbsent(caller, id);
    await this.vector(caller, () => this.memory.update(id, text));
    await this.invalidate([id]);
    await this.audit('update', caller, id, started, 'success');
  }

  async delete(caller: Caller, id: string): Promise<void> {
    this.assertWritable();
    const started = performance.now();
    await this.ownedOrAbsent(caller, id); // as in update: an unknown id fails in mem0
    await this.vector(caller, () => this.memory.delete(id));
    await this.invalidate([id]);
    await this.breakers
      .call('neo4j', () => this.neo4j.executeQuery('MATCH (m:Memory {id: $id}) DETACH DELETE m', { id }))
      .catch(() => undefined);
    await this.audit('delete', caller, id, started, 'success');
  }

  /**
   * Merges near-duplicate memories of a user: memories sharing most of their words are folded
   * into the first; the ratio of memories consolidated and the batch size are recorded.
   */
  async consolidate(caller: Caller): Promise<{ total: number; merged: number; mergedIds: string[] }> {
    this.assertWritable();
    const started = performance.now();
    // Every memory of the user: consolidation that saw only mem0's default 20 would miss the backlog.
    const all = await this.getAll(caller, CONSOLIDATION_SCAN);
    const seen: Array<Set<string>> = [];
    const duplicates: string[] = [];
    for (const item of all) {
      const words = new Set(
        item.memory
          .toLowerCase()
          .split(/\W+/)
          .filter((w) => w.length > 3)
      );
      const twin = seen.find((s) => overlap(s, words) >= 0.8);
      if (twin) {
        duplicates.push(item.id);
      } else {
        seen.push(words);
      }
    }
    for (const id of duplicates) {
      await this.vector(caller, () => this.memory.delete(id)).catch(() => undefined);
    }
    await this.invalidate(duplicates);
    const ratio = all.length === 0 ? 1 : (all.length - duplicates.length) / all.length;
    this.telemetry.setConsolidationRatio(caller.agentType, ratio);
    this.telemetry.trackBatchSize('consolidate', Math.max(1, all.length));
    this.telemetry.recordOperation('consolidate', caller.agentType, 'success', (performance.now() - started) / 1000);
    this.events.log({
      event_type: 'memory_operation',
      operation: 'consolidate',
      level: 'INFO',
      message: `consolidated ${duplicates.length} of ${all.length} memories`,
      agent_id: caller.agentId,
      agent_type: caller.agentType,
      user_id: caller.userId,
      batch_size: all.length,
      result_count: all.length - duplicates.length,
      duration_ms: performance.now() - started,
    });
    await this.audit('consolidate', caller, undefined, started, 'success');
    return { total: all.length, merged: duplicates.length, mergedIds: duplicates };
  }

  /** Reports a failed backend call as an ERROR event (typed) instead of failing the request. */
  private degraded(service: string, caller: Caller | undefined, error: unknown): void {
    const e = error as Error;
    this.events.log({
      event_type: 'backend_error',
      operation: service,
      level: 'ERROR',
      message: `${e?.name && e.name !== 'Error' ? e.name : 'BackendError'}: ${e?.message ?? String(error)}`,
      agent_id: caller?.agentId,
      agent_type: caller?.agentType,
      user_id: caller?.userId,
    });
    this.updateDegradation();
  }

  private cacheKey(userId: string, query: string, limit: number): string {
    return `mem:search:${userId}:${limit}:${createHash('sha1').update(query).digest('hex')}`;
  }

  private async cacheGet(key: string): Promise<MemoryItem[] | undefined> {
    return traceChild('cache_lookup', { 'cache.layer': 'redis' }, async (span) => {
      try {
        const raw: string | null = await this.breakers.call('redis', () => this.redis.get(key));
        span.setAttribute('ai.cache_hit', raw !== null);
        return raw === null ? undefined : (JSON.parse(raw) as MemoryItem[]);
      } catch (error) {
        span.setAttribute('ai.cache_hit', false);
        this.degraded('redis', undefined, error);
        return undefined;
      }
    });
  }

  /**
   * Caches a search answer for CACHE_TTL_SECONDS and notes, per memory in it, which answers hold
   * that memory, so that updating or deleting a memory drops exactly the answers that show it.
   */
  private async cacheSet(key: string, items: MemoryItem[]): Promise<void> {
    await this.breakers
      .call('redis', () => {
        const batch = this.redis.multi().set(key, JSON.stringify(items), { EX: CACHE_TTL_SECONDS });
        for (const item of items) {
          batch.sAdd(`mem:refs:${item.id}`, key).expire(`mem:refs:${item.id}`, CACHE_TTL_SECONDS);
        }
        return batch.exec();
      })
      .catch((error) => this.degraded('redis', undefined, error));
  }

  /** Drops every cached search answer that shows one of these memories. */
  private async invalidate(ids: string[]): Promise<void> {
    if (ids.length === 0) {
      return;
    }
    await this.breakers
      .call('redis', async () => {
        const refs = ids.map((id) => `mem:refs:${id}`);
        const keys: string[] = (await Promise.all(refs.map((ref) => this.redis.sMembers(ref)))).flat();
        await this.redis.del([...refs, ...keys]);
      })
      .catch((error) => this.degraded('redis', undefined, error));
  }

  private async linkInGraph(userId: string, item: MemoryItem): Promise<void> {
    const entities = [
      ...new Set(
        item.memory
          .toLowerCase()
          .split(/\W+/)
          .filter((w) => w.length > 4)
      ),
    ].slice(0, 5);
    await traceChild('graph_link', { 'graph.entities': entities.length }, () =>
      this.breakers.call('neo4j', () =>
        this.neo4j.executeQuery(
          `MERGE (u:User {id: $userId}) MERGE (m:Memory {id: $id}) SET m.text = $text MERGE (u)-[:REMEMBERS]->(m)
           WITH m UNWIND $entities AS name MERGE (e:Entity {name: name}) MERGE (m)-[:MENTIONS]->(e)`,
          { userId, id: item.id, text: item.memory, entities }
        )
      )
    ).catch((error) => this.degraded('neo4j', undefined, error));
  }

  private async relatedInGraph(ids: string[]): Promise<number> {
    if (ids.length === 0) {
      return 0;
    }
    try {
      const result = await this.breakers.call('neo4j', () =>
        this.neo4j.executeQuery(
          'MATCH (m:Memory)-[:MENTIONS]->(:Entity)<-[:MENTIONS]-(other:Memory) WHERE m.id IN $ids AND NOT other.id IN $ids RETURN count(DISTINCT other) AS n',
          { ids }
        )
      );
      return Number((result as any).records[0]?.get('n') ?? 0);
    } catch (error) {
      this.degraded('neo4j', undefined, error);
      return 0;
    }
  }

  private async audit(
    operation: string,
    caller: Caller,
    memoryId: string | undefined,
    started: number,
    status: string
  ): Promise<void> {
    await traceChild('audit_write', { 'db.system': 'postgresql' }, () =>
      this.breakers.call('postgres', () =>
        this.pg.query(
          'INSERT INTO memory_audit (operation, user_id, agent_type, memory_id, duration_ms, status) VALUES ($1, $2, $3, $4, $5, $6)',
          [operation, caller.userId, caller.agentType, memoryId ?? null, performance.now() - started, status]
        )
      )
    ).catch((error) => this.degraded('postgres', caller, error));
  }
}

/** Longest search query the service embeds; longer ones are refused (HTTP 400). */
export const MAX_QUERY_CHARS = 2000;

export class QueryTooLongError extends Error {
  constructor(length: number) {
    super(`search query of ${length} characters refused (at most ${MAX_QUERY_CHARS})`);
    this.name = 'QueryTooLongError';
  }
}

/**
 * A memory id the caller may not use: no such memory, or another user's. One error (and one HTTP
 * answer, 404) for both, so that probing ids tells nothing about which exist.
 */
export class MemoryNotFoundError extends Error {
  constructor() {
    super('memory not found for this user_id');
    this.name = 'MemoryNotFoundError';
  }
}

export class MaintenanceError extends Error {
  constructor() {
    super('the memory service is in maintenance mode: writes are refused');
    this.name = 'MaintenanceError';
  }
}

function overlap(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) {
    return 0;
  }
  let shared = 0;
  b.forEach((w) => {
    if (a.has(w)) {
      shared++;
    }
  });
  return shared / Math.min(a.size, b.size);
}
