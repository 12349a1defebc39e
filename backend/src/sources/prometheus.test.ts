import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LIMITS } from '../../../contract';
import type { PrometheusSettings } from '../settings';
import { PrometheusClient } from './prometheus';

/**
 * A Prometheus that answers with a huge error text and many long warnings, and (like one older
 * than 2.51, which ignores `limit`) twice as many label values and metadata entries as asked.
 */
let server: http.Server;
let settings: PrometheusSettings;
const huge = 'e'.repeat(100_000);
const asked: string[] = [];
const tooMany = LIMITS.maxResourceValues * 2;
/** Longer than any upstream text we pass on. */
const longHelp = 'h'.repeat(LIMITS.maxUpstreamTextLength * 4);

beforeAll(async () => {
  server = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    asked.push(req.url ?? '');
    if (req.url?.startsWith('/api/v1/label/')) {
      res.end(JSON.stringify({ status: 'success', data: Array.from({ length: tooMany }, (_, i) => `m${i}`) }));
      return;
    }
    if (req.url?.startsWith('/api/v1/metadata')) {
      const entries = Array.from({ length: tooMany }, (_, i) => [
        `m${i}`,
        [{ type: 'counter', help: longHelp, unit: '' }],
      ]);
      res.end(JSON.stringify({ status: 'success', data: Object.fromEntries(entries) }));
      return;
    }
    if (req.url?.startsWith('/api/v1/query?partial')) {
      res.end(JSON.stringify({ status: 'success', isPartial: true, data: { resultType: 'vector', result: [] } }));
      return;
    }
    if (req.url?.startsWith('/api/v1/query_range')) {
      res.statusCode = 400;
      res.end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: huge }));
      return;
    }
    res.end(
      JSON.stringify({
        status: 'success',
        data: { resultType: 'vector', result: [] },
        warnings: Array(50).fill(huge),
      })
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  settings = {
    url: `http://127.0.0.1:${port}`,
    timeoutMs: 5000,
    maxResponseBytes: 64 * 1024 * 1024,
    headers: {},
    instanceKey: 'test',
    customQuery: '',
  };
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('Prometheus text in our messages', () => {
  it('cuts an upstream error to a bounded excerpt', async () => {
    const error = await new PrometheusClient(settings).queryRange('up', 0, 60, 15).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message.startsWith('Prometheus rejected the query: eee')).toBe(true);
    expect(message.length).toBeLessThanOrEqual(
      'Prometheus rejected the query: '.length + LIMITS.maxUpstreamTextLength + 1
    );
  });

  it('keeps a bounded number of bounded warnings', async () => {
    const result = await new PrometheusClient(settings).queryInstant('up', 60);
    expect(result.warnings).toHaveLength(LIMITS.maxUpstreamWarnings);
    expect(result.warnings.every((w) => w.length === LIMITS.maxUpstreamTextLength + 1)).toBe(true);
  });
});

describe('lists from Prometheus', () => {
  it('asks for at most LIMITS.maxResourceValues label values and keeps no more when given more', async () => {
    const names = await new PrometheusClient(settings).labelValues('__name__');
    expect(names).toHaveLength(LIMITS.maxResourceValues);
    expect(asked.at(-1)).toContain(`limit=${LIMITS.maxResourceValues}`);
  });

  it('keeps at most LIMITS.maxResourceValues metadata entries, each help a bounded excerpt', async () => {
    const entries = await new PrometheusClient(settings).metadata();
    expect(entries).toHaveLength(LIMITS.maxResourceValues);
    expect(entries[0]).toEqual({ metric: 'm0', type: 'counter', help: expect.any(String) });
    expect(entries[0].help.length).toBeLessThanOrEqual(LIMITS.maxUpstreamTextLength + 1);
    expect(asked.at(-1)).toContain(`limit=${LIMITS.maxResourceValues}`);
  });
});

describe('custom query parameters', () => {
  it('go in the URL of every request, POSTed queries and GET lists alike, as Grafana adds them', async () => {
    const custom = new PrometheusClient({ ...settings, customQuery: 'dedup=true&max_source_resolution=5m' });
    await custom.queryInstant('up', 60);
    expect(asked.at(-1)).toBe('/api/v1/query?dedup=true&max_source_resolution=5m');
    await custom.queryRange('up', 0, 60, 15).catch(() => undefined);
    expect(asked.at(-1)).toBe('/api/v1/query_range?dedup=true&max_source_resolution=5m');
    await custom.labelValues('job');
    expect(asked.at(-1)).toBe(
      `/api/v1/label/job/values?limit=${LIMITS.maxResourceValues}&dedup=true&max_source_resolution=5m`
    );
    await custom.buildInfo().catch(() => undefined);
    expect(asked.at(-1)).toBe('/api/v1/status/buildinfo?dedup=true&max_source_resolution=5m');
  });

  it('leave the URL alone when unset', async () => {
    await new PrometheusClient(settings).queryInstant('up', 60);
    expect(asked.at(-1)).toBe('/api/v1/query');
  });

  it("reads VictoriaMetrics' isPartial as a partial answer", async () => {
    const partial = await new PrometheusClient({ ...settings, customQuery: 'partial=1' }).queryInstant('up', 60);
    expect(partial.partial).toBe(true);
    expect((await new PrometheusClient(settings).queryInstant('up', 60)).partial).toBe(false);
  });
});
