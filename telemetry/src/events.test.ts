import { AiEventLogger } from './events.js';
import { aiEventsTemplate, installAiEventsTemplate, type EsClientLike } from './indexTemplate.js';
import { MemoryTelemetry } from './memoryTelemetry.js';

/** A stand-in Elasticsearch client for the logger's queueing logic (the real one is tested in tests/integration). */
function fakeClient(options: { modules?: string[]; failBulk?: number } = {}) {
  const indexed: Array<{ index: string; doc: any }> = [];
  let failures = options.failBulk ?? 0;
  const templates: any[] = [];
  const client: EsClientLike = {
    helpers: {
      async bulk({ datasource, onDocument }: any) {
        if (failures > 0) {
          failures--;
          throw new Error('connect ECONNREFUSED 127.0.0.1:9200');
        }
        for (const doc of datasource) {
          indexed.push({ index: onDocument(doc).create._index, doc });
        }
        return { total: datasource.length, successful: datasource.length, failed: 0, aborted: false };
      },
    },
    indices: {
      async putIndexTemplate(request: any) {
        templates.push(request);
      },
    },
    nodes: {
      async info() {
        return { nodes: { n1: { modules: (options.modules ?? []).map((name) => ({ name })) } } };
      },
    },
  };
  return { client, indexed, templates };
}

async function dropped(telemetry: MemoryTelemetry, reason: string): Promise<number> {
  const metric = await telemetry.metrics.eventsDropped.get();
  return metric.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

describe('AiEventLogger', () => {
  it('enriches, batches and indexes events into daily indices', async () => {
    const { client, indexed } = fakeClient();
    const logger = new AiEventLogger({ client, batchSize: 2, flushIntervalMs: 60_000, privacy: { userId: 'keep' } });
    // Two UTC days within the timestamp window: yesterday and today.
    const today = new Date();
    const yesterday = new Date(today.getTime() - 24 * 3600_000);
    const day = (d: Date) => d.toISOString().slice(0, 10);
    logger.log({ '@timestamp': yesterday, agent_id: 'coding:u1', operation: 'search', duration_ms: 30 });
    logger.log({ '@timestamp': today, level: 'ERROR', message: 'TimeoutError: slow' });
    logger.log({ '@timestamp': today, query: 'what now' });
    await logger.close();
    const index = (d: Date) => `ai-events-${day(d).replaceAll('-', '.')}`;
    expect(indexed.map((i) => i.index)).toEqual([index(yesterday), index(today), index(today)]);
    expect(indexed[0].doc).toMatchObject({ agent_type: 'coding', user_id: 'u1', performance_class: 'excellent' });
    expect(indexed[1].doc).toMatchObject({ error_type: 'TimeoutError', requires_attention: true });
  });

  it('retries a batch with back-off when Elasticsearch is unreachable, then succeeds', async () => {
    const { client, indexed } = fakeClient({ failBulk: 2 });
    const logger = new AiEventLogger({ client, retries: 3, backoffMs: 5, flushIntervalMs: 60_000 });
    logger.log({ operation: 'add' });
    await logger.close();
    expect(indexed).toHaveLength(1);
  });

  it('drops and counts what it cannot deliver, never throwing or blocking', async () => {
    const telemetry = new MemoryTelemetry();
    const { client } = fakeClient({ failBulk: 100 });
    const logger = new AiEventLogger({
      client,
      telemetry,
      retries: 2,
      backoffMs: 1,
      maxQueue: 3,
      batchSize: 100,
      flushIntervalMs: 60_000,
    });
    const started = performance.now();
    for (let i = 0; i < 5; i++) {
      expect(() => logger.log({ operation: 'search', n: i })).not.toThrow();
    }
    expect(performance.now() - started).toBeLessThan(50);
    expect(logger.pending).toBe(3);
    expect(await dropped(telemetry, 'queue_full')).toBe(2);
    await logger.close();
    expect(await dropped(telemetry, 'unavailable')).toBe(3);
    logger.log({ operation: 'late' });
    expect(await dropped(telemetry, 'closed')).toBe(1);
  });

  it('needs a client or a URL', () => {
    expect(() => new AiEventLogger({})).toThrow('needs an Elasticsearch client or a node URL');
  });
});

describe('ai_events index template', () => {
  it('has the guide analyzer when analysis-common is present', async () => {
    const { client, templates } = fakeClient({ modules: ['analysis-common', 'x-pack-core'] });
    const warnings: string[] = [];
    await expect(installAiEventsTemplate(client, { logger: (m) => warnings.push(m) })).resolves.toEqual({
      name: 'ai_events',
      analyzer: true,
    });
    expect(templates[0].template.settings.analysis.analyzer.ai_query_analyzer.filter).toEqual([
      'lowercase',
      'stop',
      'snowball',
    ]);
    expect(templates[0].template.mappings.properties.query.analyzer).toBe('ai_query_analyzer');
    expect(warnings).toEqual([]);
  });

  it('goes in without the analyzer, with a warning, on a minimal server', async () => {
    const { client, templates } = fakeClient({ modules: ['transport-netty4', 'x-pack-core'] });
    const warnings: string[] = [];
    await expect(installAiEventsTemplate(client, { logger: (m) => warnings.push(m) })).resolves.toEqual({
      name: 'ai_events',
      analyzer: false,
    });
    expect(templates[0].template.settings.analysis).toBeUndefined();
    expect(templates[0].template.mappings.properties.query.analyzer).toBeUndefined();
    expect(warnings[0]).toContain('lacks the analysis-common module');
  });

  it('keeps the guide settings and mappings', () => {
    const t = aiEventsTemplate(true);
    expect(t.index_patterns).toEqual(['ai-events-*']);
    expect(t.template.settings).toMatchObject({
      number_of_shards: 2,
      number_of_replicas: 1,
      'index.refresh_interval': '5s',
    });
    expect(t.template.mappings.properties).toMatchObject({
      duration_ms: { type: 'float' },
      cache_hit: { type: 'boolean' },
      context_size: { type: 'integer' },
    });
  });
});

describe('AiEventLogger privacy and bounds', () => {
  it('by default hashes user ids (also inside agent_id) and sends no query text, after reading its patterns', async () => {
    const { client, indexed } = fakeClient();
    const logger = new AiEventLogger({ client, flushIntervalMs: 60_000, privacy: { hashKey: 'k' } });
    logger.log({ agent_id: 'coding:alice@example.com', query: 'how do I fix the build', operation: 'search' });
    logger.log({ user_id: 'alice@example.com', operation: 'add' });
    await logger.close();
    const [first, second] = indexed.map((i) => i.doc);
    expect(JSON.stringify(indexed)).not.toContain('alice');
    expect(JSON.stringify(indexed)).not.toContain('fix the build');
    expect(first.user_id).toMatch(/^h:[0-9a-f]{32}$/);
    expect(first.user_id).toBe(second.user_id); // one user, one hash: events still group by user
    expect(first.agent_id).toBe(`coding:${first.user_id}`);
    expect(first.query_patterns).toEqual(['implementation', 'exploration', 'problem_solving']);
    expect(first).not.toHaveProperty('query');
  });

  it('keeps or drops what the host says, and lets a hook redact or drop whole events', async () => {
    const { client, indexed } = fakeClient();
    const logger = new AiEventLogger({
      client,
      flushIntervalMs: 60_000,
      privacy: {
        userId: 'drop',
        queryText: 'keep',
        redactEvent: (event) => (event.operation === 'secret' ? undefined : { ...event, message: '[redacted]' }),
      },
    });
    logger.log({ user_id: 'bob', query: 'what is new', operation: 'search', message: 'bob asked' });
    logger.log({ operation: 'secret' });
    await logger.close();
    expect(indexed).toHaveLength(1);
    expect(indexed[0].doc).toMatchObject({ query: 'what is new', message: '[redacted]' });
    expect(indexed[0].doc).not.toHaveProperty('user_id');
  });

  it('bounds the queue by bytes as well as by count, counting what it drops', async () => {
    const telemetry = new MemoryTelemetry();
    const { client } = fakeClient({ failBulk: 100 });
    const logger = new AiEventLogger({
      client,
      telemetry,
      retries: 1,
      backoffMs: 1,
      flushIntervalMs: 60_000,
      maxQueueBytes: 64 * 1024,
    });
    for (let i = 0; i < 10; i++) {
      logger.log({ operation: 'add', message: 'x'.repeat(10_000) });
    }
    expect(logger.pending).toBe(6);
    expect(logger.pendingBytes).toBeLessThanOrEqual(64 * 1024);
    expect(await dropped(telemetry, 'queue_full')).toBe(4);
    await logger.close();
    expect(logger.pendingBytes).toBe(0);
  });
});
