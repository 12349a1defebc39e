import { AiEventLogger, newEventId } from './events.js';
import {
  aiEventsTemplate,
  installAiEventsTemplate,
  resolveDataStream,
  runDataStreamLifecycle,
  timeValueMs,
  type EsClientLike,
} from './indexTemplate.js';
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

/**
 * A stand-in for Elasticsearch behind the real bulk helper's contract: documents kept by `_id`,
 * `create` of an existing id answered 409, each success reported through onSuccess. `lose` makes
 * the next requests index their first n documents and then fail as a stopped node does: the
 * documents went in, the answer never came.
 */
function storeClient() {
  const stored = new Map<string, { index: string; doc: any }>();
  const requests: Array<{ ids: string[]; options: any }> = [];
  const lose: number[] = [];
  const client: EsClientLike = {
    helpers: {
      async bulk({ datasource, onDocument, onSuccess, onDrop, ...options }: any) {
        requests.push({ ids: datasource.map((d: any) => onDocument(d).create._id), options });
        const failAfter = lose.shift();
        let successful = 0;
        let failed = 0;
        for (const [i, doc] of datasource.entries()) {
          if (failAfter !== undefined && i === failAfter) {
            throw new Error('socket hang up');
          }
          const action = onDocument(doc);
          const { _id, _index } = action.create;
          if (stored.has(_id)) {
            failed++;
            if (failAfter === undefined) {
              onDrop({
                status: 409,
                error: { type: 'version_conflict_engine_exception' },
                operation: action,
                document: doc,
              });
            }
            continue;
          }
          stored.set(_id, { index: _index, doc });
          successful++;
          if (failAfter === undefined) {
            onSuccess?.({ result: { create: { _id, _index, status: 201 } }, document: doc });
          }
        }
        return { total: successful + failed, successful, failed, aborted: false };
      },
    },
    indices: { putIndexTemplate: async () => undefined },
    nodes: { info: async () => ({ nodes: {} }) },
  };
  return { client, stored, requests, lose };
}

describe('AiEventLogger event ids and acknowledgements', () => {
  it('gives each event an id of its own, sent as its _id with the create action', async () => {
    const { client, stored } = storeClient();
    const acknowledged: string[] = [];
    const logger = new AiEventLogger({
      client,
      installTemplate: false,
      flushIntervalMs: 60_000,
      onAcknowledged: (ids) => acknowledged.push(...ids),
    });
    const ids = [logger.log({ operation: 'add' }), logger.log({ operation: 'search' })];
    await logger.close();
    expect(ids[0]).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(ids[0]).not.toBe(ids[1]);
    expect([...stored.keys()].sort()).toEqual([...ids].sort());
    expect(acknowledged.sort()).toEqual([...ids].sort());
    // The id carries no field into the document.
    expect(Object.keys(stored.get(ids[0]!)!.doc)).not.toContain('_id');
  });

  it('ids grow with time, as Elasticsearch likes them', () => {
    const early = Buffer.from(newEventId(1_000_000), 'base64url');
    const late = Buffer.from(newEventId(2_000_000), 'base64url');
    expect(early.readUIntBE(0, 6)).toBe(1_000_000);
    expect(Buffer.compare(early.subarray(0, 6), late.subarray(0, 6))).toBe(-1);
  });

  it('indexes each event once when a request dies after Elasticsearch took it: resent, 409, acknowledged', async () => {
    const telemetry = new MemoryTelemetry();
    const { client, stored, requests, lose } = storeClient();
    lose.push(3); // the first attempt: three documents in, then the node goes away
    const acknowledged: string[] = [];
    const logger = new AiEventLogger({
      client,
      telemetry,
      installTemplate: false,
      retries: 3,
      backoffMs: 1,
      flushIntervalMs: 60_000,
      onAcknowledged: (ids) => acknowledged.push(...ids),
    });
    const ids = Array.from({ length: 5 }, (_, n) => logger.log({ operation: 'add', n }));
    await logger.close();
    expect(stored.size).toBe(5);
    expect(acknowledged.sort()).toEqual([...ids].sort());
    expect(requests).toHaveLength(2);
    expect((await telemetry.metrics.eventsIndexed.get()).values[0].value).toBe(5);
    expect(await dropped(telemetry, 'rejected')).toBe(0);
    expect(await dropped(telemetry, 'unavailable')).toBe(0);
  });

  it('sends again only what no attempt acknowledged', async () => {
    const { client, requests } = storeClient();
    let calls = 0;
    const bulk = client.helpers.bulk.bind(client.helpers);
    client.helpers.bulk = async (options: any) => {
      calls++;
      if (calls === 1) {
        // Two documents acknowledged (the helper's first request), then the next request fails.
        const [first, second] = options.datasource;
        await bulk({ ...options, datasource: [first, second] });
        throw new Error('connect ECONNREFUSED 127.0.0.1:9204');
      }
      return bulk(options);
    };
    const logger = new AiEventLogger({ client, installTemplate: false, backoffMs: 1, flushIntervalMs: 60_000 });
    const ids = Array.from({ length: 4 }, () => logger.log({ operation: 'add' }));
    await logger.close();
    expect(requests.map((r) => r.ids)).toEqual([ids.slice(0, 2), ids.slice(2)]);
  });

  it('counts what Elasticsearch refuses as rejected, not acknowledged, and drops the rest after the last attempt', async () => {
    const telemetry = new MemoryTelemetry();
    const acknowledged: string[] = [];
    const sent: number[] = [];
    const client: EsClientLike = {
      helpers: {
        async bulk({ datasource, onDocument, onSuccess, onDrop }: any) {
          sent.push(datasource.length);
          if (sent.length === 1) {
            const [good, bad] = datasource;
            onSuccess({ result: { create: { _id: onDocument(good).create._id } }, document: good });
            onDrop({
              status: 400,
              error: { type: 'document_parsing_exception' },
              operation: onDocument(bad),
              document: bad,
            });
          }
          throw new Error('connect ECONNREFUSED');
        },
      },
      indices: { putIndexTemplate: async () => undefined },
      nodes: { info: async () => ({ nodes: {} }) },
    };
    const logger = new AiEventLogger({
      client,
      telemetry,
      installTemplate: false,
      retries: 2,
      backoffMs: 1,
      flushIntervalMs: 60_000,
      onAcknowledged: (ids) => acknowledged.push(...ids),
    });
    const [first] = [logger.log({ n: 1 }), logger.log({ n: 2 }), logger.log({ n: 3 })];
    await logger.close();
    expect(sent).toEqual([3, 1]);
    expect(acknowledged).toEqual([first]);
    expect((await telemetry.metrics.eventsIndexed.get()).values[0].value).toBe(1);
    expect(await dropped(telemetry, 'rejected')).toBe(1);
    expect(await dropped(telemetry, 'unavailable')).toBe(1);
  });
});

describe('AiEventLogger to a data stream', () => {
  function dataStreamClient(modules: string[]) {
    const store = storeClient();
    const templates: any[] = [];
    store.client.indices.putIndexTemplate = async (request: any) => {
      templates.push(request);
    };
    store.client.nodes.info = async () => ({ nodes: { a: { modules: modules.map((name) => ({ name })) } } });
    return { ...store, templates };
  }

  it('writes every event to the data stream, refusing a plain index of its name', async () => {
    const { client, stored, requests, templates } = dataStreamClient(['x-pack-core']);
    const logger = new AiEventLogger({ client, dataStream: true, flushIntervalMs: 60_000, replicas: 1 });
    logger.log({ operation: 'add' });
    logger.log({ operation: 'search', '@timestamp': new Date(Date.now() - 24 * 3600_000) });
    await logger.close();
    expect([...stored.values()].map((s) => s.index)).toEqual(['ai-events-stream', 'ai-events-stream']);
    expect(requests[0].options.require_data_stream).toBe(true);
    expect(templates[0]).toMatchObject({
      name: 'ai_events_stream_data_stream',
      index_patterns: ['ai-events-stream'],
      data_stream: {},
      template: { settings: { number_of_replicas: 1 } },
    });
    // Above the daily template, whose ai-events-* also matches the data stream's name.
    expect(templates[0].priority).toBeGreaterThan(aiEventsTemplate(false).priority);
    expect(templates[0].template.mappings.properties['@timestamp']).toEqual({ type: 'date' });
    // No data-streams module: the SDK runs rollover and retention; the template has no lifecycle.
    expect(templates[0].template.lifecycle).toBeUndefined();
    expect(templates[0]._meta.lifecycle).toBe('sdk');
  });

  it("leaves rollover and retention to Elasticsearch's data stream lifecycle where every node has it", async () => {
    const { client, templates } = dataStreamClient(['data-streams', 'x-pack-core']);
    const installed = await installAiEventsTemplate(client, {
      dataStream: { name: 'agents-events', retention: '14d' },
    });
    expect(installed).toEqual({ name: 'agents_events_data_stream', analyzer: false, sdkLifecycle: false });
    expect(templates[0].template.lifecycle).toEqual({ data_retention: '14d' });
  });

  it('checks its options when made', () => {
    expect(() => new AiEventLogger({ node: 'http://x', dataStream: { retention: 'soon' } })).toThrow(
      'dataStream.retention "soon" is not a time'
    );
    expect(() => new AiEventLogger({ node: 'http://x', dataStream: { name: '.ds-x' } })).toThrow(
      'not a valid data stream name'
    );
    expect(() => new AiEventLogger({ node: 'http://x', dataStream: { rollover: { maxAge: '1 day' } } })).toThrow(
      'maxAge "1 day" is not a time'
    );
    expect(resolveDataStream({ indexPrefix: 'ai-events-x', dataStream: true })).toMatchObject({
      name: 'ai-events-x-stream',
      retention: '30d',
      retentionMs: 30 * 86_400_000,
      lifecycle: 'auto',
      rollover: { maxAge: '1d', maxPrimaryShardSize: '10gb' },
    });
    expect(resolveDataStream({})).toBeUndefined();
    expect([timeValueMs('90s'), timeValueMs('12h'), timeValueMs('250ms'), timeValueMs('7'), timeValueMs('d')]).toEqual([
      90_000,
      43_200_000,
      250,
      undefined,
      undefined,
    ]);
  });
});

describe('the data stream lifecycle the SDK runs', () => {
  const day = 86_400_000;
  const now = 100 * day;

  function lifecycleClient(backing: Array<[string, number]>, rollover: () => Promise<any>) {
    const calls: Record<string, any[]> = { rollover: [], delete: [] };
    const client: EsClientLike = {
      helpers: { bulk: async () => ({ total: 0, successful: 0, failed: 0, aborted: false }) },
      nodes: { info: async () => ({ nodes: {} }) },
      indices: {
        putIndexTemplate: async () => undefined,
        rollover: async (request: any) => {
          calls.rollover.push(request);
          return rollover();
        },
        resolveIndex: async () => ({
          indices: [],
          aliases: [],
          data_streams: [{ name: 'ai-events-stream', backing_indices: backing.map(([name]) => name) }],
        }),
        getSettings: async () =>
          Object.fromEntries(
            backing.map(([name, created]) => [name, { settings: { index: { creation_date: String(created) } } }])
          ),
        delete: async (request: any) => {
          calls.delete.push(request);
        },
      },
    };
    return { client, calls };
  }

  const dataStream = resolveDataStream({ dataStream: { retention: '7d', rollover: { maxAge: '1d', maxDocs: 1000 } } })!;

  it('rolls over on its conditions, never an empty write index, and deletes what rolled over longer ago than retention', async () => {
    const { client, calls } = lifecycleClient(
      [
        ['.ds-ai-events-stream-000001', now - 20 * day], // rolled over 10 days ago: past 7 days
        ['.ds-ai-events-stream-000002', now - 10 * day], // rolled over 6 days ago: kept
        ['.ds-ai-events-stream-000003', now - 6 * day], // rolled over just now
        ['.ds-ai-events-stream-000004', now], // the write index
      ],
      async () => ({ rolled_over: true })
    );
    await expect(runDataStreamLifecycle(client, dataStream, now)).resolves.toEqual({
      rolledOver: true,
      deleted: ['.ds-ai-events-stream-000001'],
    });
    expect(calls.rollover).toEqual([
      { alias: 'ai-events-stream', conditions: { min_docs: 1, max_age: '1d', max_docs: 1000 } },
    ]);
    expect(calls.delete).toEqual([{ index: '.ds-ai-events-stream-000001', ignore_unavailable: true }]);
  });

  it('never deletes the write index, however old', async () => {
    const { client, calls } = lifecycleClient([['.ds-ai-events-stream-000001', now - 50 * day]], async () => ({
      rolled_over: false,
    }));
    await expect(runDataStreamLifecycle(client, dataStream, now)).resolves.toEqual({ rolledOver: false, deleted: [] });
    expect(calls.delete).toEqual([]);
  });

  it('does nothing before the first event made the data stream', async () => {
    const { client, calls } = lifecycleClient([], async () => {
      throw Object.assign(new Error('no such index'), {
        meta: { body: { error: { type: 'index_not_found_exception' } } },
      });
    });
    await expect(runDataStreamLifecycle(client, dataStream, now)).resolves.toEqual({ rolledOver: false, deleted: [] });
    expect(calls.delete).toEqual([]);
  });

  it('through the logger: runs on demand, tells what it did, never rejects', async () => {
    const { client } = lifecycleClient(
      [
        ['.ds-ai-events-stream-000001', now - 20 * day],
        ['.ds-ai-events-stream-000002', now - 10 * day],
      ],
      async () => ({ rolled_over: false })
    );
    const messages: string[] = [];
    const logger = new AiEventLogger({ client, dataStream: { retention: '7d' }, logger: (m) => messages.push(m) });
    await expect(logger.maintainDataStream(now)).resolves.toEqual({
      rolledOver: false,
      deleted: ['.ds-ai-events-stream-000001'],
    });
    client.indices.rollover = async () => {
      throw new Error('master not discovered');
    };
    await expect(logger.maintainDataStream(now)).resolves.toBeUndefined();
    await logger.close();
    expect(messages).toEqual([
      'telemetry: data stream ai-events-stream: not rolled over, deleted .ds-ai-events-stream-000001 (past 7d)',
      'telemetry: data stream ai-events-stream: rollover or retention failed: master not discovered',
    ]);
  });
});

describe('AiEventLogger hooks that throw', () => {
  it('a throwing onAcknowledged or logger never turns a flush or a lifecycle pass into a rejection', async () => {
    const { client } = storeClient();
    client.indices.rollover = async () => {
      throw new Error('down');
    };
    const throwing = () => {
      throw new Error('host hook');
    };
    const logger = new AiEventLogger({
      client,
      dataStream: true,
      flushIntervalMs: 60_000,
      onAcknowledged: throwing,
      logger: throwing,
    });
    logger.log({ operation: 'add' });
    await expect(logger.flush()).resolves.toBeUndefined();
    await expect(logger.maintainDataStream()).resolves.toBeUndefined();
    await expect(logger.close()).resolves.toBeUndefined();
  });
});
