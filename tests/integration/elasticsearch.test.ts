import { Client } from '@elastic/elasticsearch';
import { stackUrl } from './env';

describe('Elasticsearch (through @elastic/elasticsearch 9, as the SDK uses it)', () => {
  const client = new Client({ node: stackUrl('ES_URL') });
  const index = `smoke-events-${Date.now()}`; // outside ai-events-*, whose template maps fields its own way

  afterAll(async () => {
    await client.indices.delete({ index, ignore_unavailable: true });
    await client.close();
  });

  it('is a healthy single-node 9.x cluster', async () => {
    const health = await client.cluster.health();
    expect(['green', 'yellow']).toContain(health.status);
    const nodes = await client.nodes.info({ filter_path: 'nodes.*.version' });
    const versions = Object.values(nodes.nodes ?? {}).map((n: any) => n.version);
    expect(versions[0]).toMatch(/^9\./);
  });

  it('bulk-indexes events with the bulk helper and finds them with a terms aggregation', async () => {
    const events = Array.from({ length: 50 }, (_, i) => ({
      '@timestamp': new Date(Date.now() - i * 1000).toISOString(),
      agent_type: i % 2 ? 'coding' : 'research',
      operation: 'search',
      duration_ms: i,
    }));
    const result = await client.helpers.bulk({
      datasource: events,
      onDocument: () => ({ index: { _index: index } }),
      refreshOnCompletion: index,
    });
    expect(result.successful).toBe(50);
    const search = await client.search({
      index,
      size: 0,
      aggs: { agents: { terms: { field: 'agent_type.keyword' } } },
    });
    const buckets = (search.aggregations?.agents as any).buckets.map((b: any) => [b.key, b.doc_count]);
    expect(buckets).toEqual([
      ['coding', 25],
      ['research', 25],
    ]);
  });
});
