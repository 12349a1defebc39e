/**
 * The demo memory stack produces every signal of the catalog, read back from the real
 * Prometheus, Elasticsearch and Jaeger (the telemetry issue's "done when").
 */
import { ALL_METRICS, EVENT_FIELDS, SPAN_ATTRIBUTES } from '../../../telemetry/src/catalog';
import { eventually, getJson, stackUrl } from '../env';

const prom = () => stackUrl('PROMETHEUS_URL');
const es = () => stackUrl('ES_URL');
const jaeger = () => stackUrl('JAEGER_URL');
const demo = () => stackUrl('DEMO_URL');

async function promQuery(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const body = await getJson(`${prom()}/api/v1/query?query=${encodeURIComponent(expr)}`);
  return body.data.result;
}

/** Series names a family exposes: histograms and summaries add suffixes. */
function seriesNames(name: string, type: string): string {
  if (type === 'histogram') {
    return `${name}_bucket|${name}_sum|${name}_count`;
  }
  if (type === 'summary') {
    return `${name}|${name}_sum|${name}_count`;
  }
  return name;
}

describe('the demo emits every catalog signal', () => {
  beforeAll(async () => {
    // A request that fails in mem0 (unknown memory id): the ERROR event path, typed.
    await fetch(`${demo()}/memories/does-not-exist`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ user_id: 'u-probe', agent_id: 'coding:u-probe', text: 'x' }),
    });
  });

  it.each(ALL_METRICS.map((m) => [m.name, m.type]))('Prometheus has %s (%s) from the demo', async (name, type) => {
    const series = await eventually(
      async () => {
        const result = await promQuery(`count({__name__=~"${seriesNames(name, type)}", job="agentmemory-demo"})`);
        return Number(result[0]?.value[1] ?? 0) > 0 ? result : undefined;
      },
      45_000,
      `${name} scraped from the demo`
    );
    expect(Number(series[0].value[1])).toBeGreaterThan(0);
  });

  it('keeps user_id out of every metric label and folds agent_id beyond the cap', async () => {
    expect(await promQuery('count({job="agentmemory-demo", user_id!=""})')).toEqual([]);
    const folded = await eventually(
      async () => {
        const r = await promQuery('ai_agent_context_size_bytes{job="agentmemory-demo", agent_id="__other__"}');
        return r.length > 0 ? r : undefined;
      },
      45_000,
      'agent_id folded into __other__'
    );
    expect(folded.length).toBeGreaterThan(0);
    // The cap holds per process: counted on the demo's own exposition (Prometheus may still hold
    // series of an earlier demo process, which admitted other agents first).
    const exposition = await (await fetch(`${demo()}/metrics`)).text();
    const ids = new Set(
      [...exposition.matchAll(/^ai_agent_context_size_bytes\{agent_id="([^"]*)"/gm)].map((m) => m[1])
    );
    expect(ids.size).toBeGreaterThan(1);
    expect(ids.size).toBeLessThanOrEqual(8 + 1);
    expect(ids.has('__other__')).toBe(true);
    // The user part of "type:user" is hashed by the SDK's default privacy policy.
    for (const id of ids) {
      expect(id === '__other__' || /^[a-z]+:h:[0-9a-f]{32}$/.test(id)).toBe(true);
    }
  });

  it.each(Object.keys(EVENT_FIELDS))('Elasticsearch has AI events with the field %s', async (field) => {
    const count = await eventually(
      async () => {
        const body = await getJson(`${es()}/ai-events-*/_count`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ query: { exists: { field } } }),
        });
        return body.count > 0 ? body.count : undefined;
      },
      30_000,
      `events with ${field}`
    );
    expect(count).toBeGreaterThan(0);
  });

  it('indexes events into daily indices with the enrichment of the guide pipeline', async () => {
    const body = await getJson(`${es()}/ai-events-*/_search`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        size: 1,
        query: { bool: { filter: [{ term: { level: 'ERROR' } }, { exists: { field: 'error_type' } }] } },
      }),
    });
    const hit = body.hits.hits[0];
    const day = new Date(hit._source['@timestamp']).toISOString().slice(0, 10).replace(/-/g, '.');
    expect(hit._index).toBe(`ai-events-${day}`);
    expect(hit._source.requires_attention).toBe(true);
    expect(hit._source.message).toContain(`${hit._source.error_type}: `);
    const indices = await getJson(`${es()}/_index_template/ai_events`);
    expect(indices.index_templates[0].index_template.index_patterns).toEqual(['ai-events-*']);
  });

  it('Jaeger has memory spans carrying every catalog span attribute', async () => {
    const keys = await eventually(
      async () => {
        const end = Date.now() * 1000;
        const body = await getJson(
          `${jaeger()}/api/traces?service=agentmemory-demo&limit=300&lookback=1h&start=${end - 3_600_000_000}&end=${end}`
        );
        const found = new Set<string>();
        for (const trace of body.data) {
          for (const span of trace.spans) {
            for (const tag of span.tags) {
              found.add(tag.key);
            }
          }
        }
        return SPAN_ATTRIBUTES.every((a) => found.has(a)) ? found : undefined;
      },
      45_000,
      'all span attributes in Jaeger'
    );
    for (const attribute of SPAN_ATTRIBUTES) {
      expect(keys.has(attribute)).toBe(true);
    }
  });

  it('links latency exemplars in Prometheus to traces that exist in Jaeger', async () => {
    // Recent exemplars only (Jaeger keeps traces in memory; an older one may predate a restart).
    const trace = await eventually(
      async () => {
        const end = Math.floor(Date.now() / 1000);
        const body = await getJson(
          `${prom()}/api/v1/query_exemplars?query=${encodeURIComponent('ai_memory_operation_duration_seconds_bucket{job="agentmemory-demo"}')}&start=${end - 60}&end=${end}`
        );
        const ids: string[] = (body.data ?? [])
          .flatMap((s: any) => s.exemplars.map((e: any) => e.labels.trace_id))
          .filter(Boolean)
          .slice(-10);
        for (const id of ids) {
          const found = (await getJson(`${jaeger()}/api/traces/${id}`).catch(() => undefined))?.data?.[0];
          if (found) {
            return found;
          }
        }
        return undefined;
      },
      45_000,
      'an exemplar whose trace is in Jaeger'
    );
    expect(trace.spans.some((s: { operationName: string }) => s.operationName.startsWith('ai.memory.'))).toBe(true);
  });
});
