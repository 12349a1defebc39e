/** The event logger and the index template against the real Elasticsearch 9 (a minimal server). */
import { context, trace } from '@opentelemetry/api';
import { Client } from '@elastic/elasticsearch';
import { AiEventLogger } from '../../../telemetry/src/events';
import { hasAnalysisCommon } from '../../../telemetry/src/indexTemplate';
import { MemoryTelemetry } from '../../../telemetry/src/memoryTelemetry';
import { setupTracing } from '../../../telemetry/src/tracing';
import { stackUrl } from '../env';

describe('AiEventLogger with the user own Elasticsearch client', () => {
  const client = new Client({ node: stackUrl('ES_URL') });
  const prefix = `ai-events-evtest${Date.now()}`;

  afterAll(async () => {
    await client.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true });
    await client.indices.deleteIndexTemplate({ name: prefix.replace(/-/g, '_') }, { ignore: [404] });
    await client.close();
  });

  it('installs the template without the analyzer on the minimal server, says so, and indexes enriched events', async () => {
    expect(await hasAnalysisCommon(client as any)).toBe(false);
    const warnings: string[] = [];
    const telemetry = new MemoryTelemetry();
    const logger = new AiEventLogger({
      client: client as any,
      telemetry,
      indexPrefix: prefix,
      shards: 1,
      replicas: 0,
      logger: (m) => warnings.push(m),
    });
    const tracing = setupTracing({
      serviceName: 'events-test',
      otlpUrl: stackUrl('JAEGER_OTLP_HTTP_URL'),
      simpleExport: true,
    });
    let traceId = '';
    await trace.getTracer('t').startActiveSpan('op', async (span) => {
      traceId = span.spanContext().traceId;
      logger.log({
        agent_id: 'research:u-grace',
        operation: 'search',
        query: 'why is it slow',
        start_time: 100,
        end_time: 100.3,
        level: 'ERROR',
        message: 'TimeoutError: too slow',
      });
      span.end();
    });
    context.disable();
    await logger.close();
    await tracing.shutdown();
    expect(warnings.filter((w) => !w.includes('analysis-common'))).toEqual([]);
    expect(warnings.join()).toContain('lacks the analysis-common module');
    await client.indices.refresh({ index: `${prefix}-*` });
    const result = await client.search({ index: `${prefix}-*` });
    const doc = result.hits.hits[0]._source as Record<string, any>;
    // By default the user id leaves the process only as a keyed hash.
    expect(JSON.stringify(doc)).not.toContain('u-grace');
    expect(doc.user_id).toMatch(/^h:[0-9a-f]{32}$/);
    expect(doc).not.toHaveProperty('query'); // query text stays in the process unless opted in
    expect(doc).toMatchObject({
      agent_type: 'research',
      duration_ms: expect.closeTo(300, 3),
      performance_class: 'poor',
      error_type: 'TimeoutError',
      error_message: 'too slow',
      requires_attention: true,
      query_patterns: ['exploration'],
      trace_id: traceId,
    });
    const mapping = await client.indices.getMapping({ index: `${prefix}-*` });
    const properties = Object.values(mapping)[0].mappings.properties as Record<string, any>;
    expect(properties.duration_ms.type).toBe('float');
    expect(properties.query.analyzer).toBeUndefined();
    const indexed = await telemetry.metrics.eventsIndexed.get();
    expect(indexed.values[0].value).toBe(1);
  });
});

describe('AiEventLogger with an 8.x client on an 8.x cluster', () => {
  it('indexes enriched events into Elasticsearch 8.19 through the user 8.x client', async () => {
    const { Client: Client8 } = require('@elastic/elasticsearch8');
    const client = new Client8({ node: stackUrl('ES8_URL') });
    const prefix = `ai-events-es8test${Date.now()}`;
    try {
      const info = await client.nodes.info({ filter_path: 'nodes.*.version' });
      expect(String(Object.values(info.nodes ?? {})[0] && (Object.values(info.nodes)[0] as any).version)).toMatch(
        /^8\./
      );
      const logger = new AiEventLogger({
        client,
        indexPrefix: prefix,
        shards: 1,
        replicas: 0,
        privacy: { userId: 'keep' },
      });
      logger.log({ agent_id: 'support:u-ken', operation: 'add', duration_ms: 42 });
      await logger.close();
      await client.indices.refresh({ index: `${prefix}-*` });
      const result = await client.search({ index: `${prefix}-*` });
      expect(result.hits.hits[0]._source).toMatchObject({
        agent_type: 'support',
        user_id: 'u-ken',
        performance_class: 'excellent',
      });
    } finally {
      await client.indices.delete({ index: `${prefix}-*`, ignore_unavailable: true });
      await client.indices.deleteIndexTemplate({ name: prefix.replace(/-/g, '_') }, { ignore: [404] });
      await client.close();
    }
  });
});
