import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { eventually, getJson, stackUrl } from './env';

describe('Jaeger v2 (OTLP/HTTP intake and the HTTP query API)', () => {
  it('stores an OTLP span and serves it by trace id and service', async () => {
    const traceId = randomBytes(16).toString('hex');
    const spanId = randomBytes(8).toString('hex');
    const service = `smoke-${Date.now()}`;
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const response = await fetch(`${stackUrl('JAEGER_OTLP_HTTP_URL')}/v1/traces`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
            scopeSpans: [
              {
                spans: [
                  {
                    traceId,
                    spanId,
                    name: 'search_memory',
                    kind: 1,
                    startTimeUnixNano: String(nowNs - 5_000_000n),
                    endTimeUnixNano: String(nowNs),
                    attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'search_memory' } }],
                  },
                ],
              },
            ],
          },
        ],
      }),
    });
    expect(response.status).toBe(200);
    const jaeger = stackUrl('JAEGER_URL');
    const trace = await eventually(
      async () => {
        const body = await getJson(`${jaeger}/api/traces/${traceId}`).catch(() => undefined);
        return body?.data?.[0];
      },
      10_000,
      'trace readable'
    );
    expect(trace.traceID).toBe(traceId);
    expect(trace.spans[0].operationName).toBe('search_memory');
    expect(trace.spans[0].tags).toEqual(
      expect.arrayContaining([{ key: 'gen_ai.operation.name', type: 'string', value: 'search_memory' }])
    );
    const services = await getJson(`${jaeger}/api/services`);
    expect(services.data).toContain(service);
  });

  it('keeps query API connections open, so the data source reuses one per query instead of connecting anew', async () => {
    // Jaeger 2.x answers "Connection: close" unless keep_alives_enabled is set (scripts/config/jaeger.yaml).
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ connection?: string; socket: unknown }>((resolve, reject) => {
        http
          .get(`${stackUrl('JAEGER_URL')}/api/services`, { agent }, (response) => {
            response.resume();
            response.on('end', () => resolve({ connection: response.headers.connection, socket: response.socket }));
          })
          .on('error', reject);
      });
    try {
      const first = await get();
      const second = await get();
      expect(first.connection).not.toBe('close');
      expect(second.socket).toBe(first.socket);
    } finally {
      agent.destroy();
    }
  });
});
