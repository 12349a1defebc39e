import { Client } from 'pg';
import { createClient } from 'redis';
import { stackUrl } from './env';

describe('PostgreSQL (through pg)', () => {
  it('serves the mem0 database and reports whether pgvector is installed', async () => {
    const client = new Client({ connectionString: stackUrl('POSTGRES_URL') });
    await client.connect();
    try {
      const version = await client.query('SHOW server_version');
      expect(version.rows[0].server_version).toMatch(/^\d+/);
      const db = await client.query('SELECT current_database() AS db');
      expect(db.rows[0].db).toBe('mem0');
      const vector = await client.query("SELECT count(*)::int AS n FROM pg_available_extensions WHERE name = 'vector'");
      // The health checker's word on pgvector must be the server's own (Debian's PostgreSQL has none).
      const health = (await (await fetch(`${stackUrl('DEMO_URL')}/health`)).json()) as {
        health: { components: { postgresql: { vector_extension: boolean } } };
      };
      expect(health.health.components.postgresql.vector_extension).toBe(vector.rows[0].n === 1);
    } finally {
      await client.end();
    }
  });
});

describe('Redis (through node-redis)', () => {
  it('stores and expires a cache entry', async () => {
    const client = createClient({ url: stackUrl('REDIS_URL') });
    await client.connect();
    try {
      const key = `smoke:${Date.now()}`;
      await client.set(key, 'hit', { EX: 30 });
      expect(await client.get(key)).toBe('hit');
      expect(await client.ttl(key)).toBeGreaterThan(0);
      await client.del(key);
    } finally {
      await client.quit();
    }
  });
});
