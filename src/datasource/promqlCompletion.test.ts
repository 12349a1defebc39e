import { EqlRegex, EqlSingle, Neq } from '@prometheus-io/lezer-promql';
import { LIMITS, RESOURCE_PATHS } from '../../contract';
import { ResourceCompletionClient, catalogHelp, seriesSelector } from './promqlCompletion';
import { COMPLETION_CACHE } from './resourceLists';

function client(
  answer: (path: string, params: Record<string, string>) => Promise<unknown>,
  now = 1_700_000_000_000,
  clock = { ms: 1_000 }
) {
  const calls: Array<{ path: string; params: Record<string, string> }> = [];
  const errors: Array<string | undefined> = [];
  const range = { from: now - 3600_000, to: now };
  const c = new ResourceCompletionClient(
    {
      fetch: (path, params) => {
        calls.push({ path, params });
        return answer(path, params);
      },
      range: () => range,
      onError: (message) => errors.push(message),
    },
    () => clock.ms
  );
  return { c, calls, errors, range };
}

describe('ResourceCompletionClient', () => {
  it('asks the backend once per list while it is cached, with the range rounded to the minute', async () => {
    const { c, calls, range } = client(async () => ['ai_memory_operations_total', 'up']);
    expect(await c.metricNames()).toEqual(['ai_memory_operations_total', 'up']);
    range.to += 5_000;
    await c.metricNames();
    await c.metricNames();
    expect(calls).toHaveLength(1);
    expect(calls[0].path).toBe(RESOURCE_PATHS.prometheusLabelValues);
    expect(calls[0].params.label).toBe('__name__');
    expect(Number(calls[0].params.to) % COMPLETION_CACHE.rangeRoundingMs).toBe(0);
  });

  it('keeps at most maxEntries lists', async () => {
    const { c, calls } = client(async () => ['v']);
    for (let i = 0; i <= COMPLETION_CACHE.maxEntries; i++) {
      await c.labelValues(`label_${i}`);
    }
    await c.labelValues('label_0');
    // The oldest list was dropped for the newest, so asking again goes back to the backend.
    expect(calls).toHaveLength(COMPLETION_CACHE.maxEntries + 2);
    await c.labelValues(`label_${COMPLETION_CACHE.maxEntries}`);
    expect(calls).toHaveLength(COMPLETION_CACHE.maxEntries + 2);
  });

  it('expires a list after the ttl', async () => {
    // Not 0: lru-cache reads a start time of 0 as "no ttl".
    const clock = { ms: 1_000 };
    const { c, calls } = client(async () => ['v'], undefined, clock);
    await c.labelNames();
    clock.ms += COMPLETION_CACHE.ttlMs - 1;
    await c.labelNames();
    expect(calls).toHaveLength(1);
    clock.ms += 2;
    await c.labelNames();
    expect(calls).toHaveLength(2);
  });

  it('reports a failure, answers nothing, asks again only after a pause, and clears the report', async () => {
    let up = false;
    const clock = { ms: 1_000 };
    const { c, calls, errors } = client(
      async () => {
        if (!up) {
          throw new Error('Could not load prometheus/labels: Prometheus at http://127.0.0.1:1 is unreachable');
        }
        return ['job'];
      },
      undefined,
      clock
    );
    expect(await c.labelNames()).toEqual([]);
    expect(errors).toEqual(['Could not load prometheus/labels: Prometheus at http://127.0.0.1:1 is unreachable']);
    up = true;
    expect(await c.labelNames()).toEqual([]);
    expect(calls).toHaveLength(1);
    clock.ms += COMPLETION_CACHE.retryMs + 1;
    expect(await c.labelNames()).toEqual(['job']);
    expect(errors.at(-1)).toBeUndefined();
    expect(calls).toHaveLength(2);
  });

  it('narrows label values by the metric and the other matchers, not the label being completed', async () => {
    const { c, calls } = client(async () => []);
    // The values come as the literals' bodies, escapes in them ("co\"d\\ing" in the query).
    await c.labelValues('operation', 'ai_memory_operations_total', [
      { type: EqlSingle, name: 'operation', value: 'sea' },
      { type: EqlRegex, name: 'agent_type', value: 'co\\"d\\\\ing' },
      { type: EqlSingle, name: 'job', value: '$job' },
      { type: Neq, name: 'http.route', value: '/x' },
    ]);
    expect(calls[0].params).toMatchObject({
      label: 'operation',
      match: '{__name__="ai_memory_operations_total",agent_type=~"co\\"d\\\\ing","http.route"!="/x"}',
    });
  });

  it('gives the catalog’s help, type and labels for our metrics and Prometheus’ for the rest', async () => {
    const { c } = client(async (path) =>
      path === RESOURCE_PATHS.prometheusMetadata
        ? [
            { metric: 'up', type: 'gauge', help: 'Target up' },
            { metric: 'ai_memory_operations_total', type: 'counter', help: 'from Prometheus' },
          ]
        : []
    );
    const metadata = await c.metricMetadata();
    expect(metadata.up).toEqual([{ type: 'gauge', help: 'Target up' }]);
    expect(metadata.ai_memory_operations_total[0].help).toBe(
      'Total memory operations by AI agents. Labels: operation, agent_type, status.'
    );
    expect(metadata.ai_memory_operation_duration_seconds_bucket[0]).toMatchObject({ type: 'histogram' });
  });
});

describe('metric names beyond the resources’ cap', () => {
  it('are asked for by the typed prefix once the full list came back cut', async () => {
    const { c, calls } = client(async (_path, params) =>
      params.match ? ['zzz_latency_seconds'] : Array.from({ length: LIMITS.maxResourceValues }, (_, i) => `m${i}`)
    );
    expect(await c.metricNames('zzz_')).toEqual(['zzz_latency_seconds']);
    expect(calls.map((call) => call.params.match)).toEqual([undefined, '{__name__=~"zzz_.*"}']);
  });
});

describe('seriesSelector', () => {
  it('is undefined when there is nothing to narrow by, and skips empty and unknown matchers', () => {
    expect(seriesSelector()).toBeUndefined();
    expect(seriesSelector(undefined, [{ type: Neq, name: 'a', value: '' }])).toBeUndefined();
    expect(seriesSelector('m', [{ type: -1, name: 'a', value: 'b' }])).toBe('{__name__="m"}');
  });
});

describe('catalogHelp', () => {
  it('names the part of a histogram and its le label', () => {
    expect(catalogHelp('ai_memory_operation_duration_seconds_bucket')?.help).toMatch(
      /\(bucket series of the histogram\)\. Labels: .*\ble\.$/
    );
    expect(catalogHelp('not_ours')).toBeUndefined();
  });
});
