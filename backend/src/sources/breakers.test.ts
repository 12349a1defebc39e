import { ALERT_SCHEDULER, ConcurrencyLimit, laneOf, SourceBreakers } from './breakers';
import { CancelledError, SourceError } from './sourceError';
import { parseSettingsAfresh, type SourceSettings } from '../settings';
import { createPluginMetrics } from '../runtime/pluginMetrics';

const source = (instanceKey: string): SourceSettings => ({
  url: 'http://prometheus:9090',
  timeoutMs: 1000,
  maxResponseBytes: 1024,
  headers: {},
  instanceKey,
});

const fail = (error: Error) => () => Promise.reject(error);

async function failTimes(breakers: SourceBreakers, settings: SourceSettings, error: Error, times: number) {
  for (let i = 0; i < times; i++) {
    await breakers.call('prometheus', settings, fail(error)).catch(() => undefined);
  }
}

describe('SourceBreakers', () => {
  let breakers: SourceBreakers;
  beforeEach(() => (breakers = new SourceBreakers(undefined, 60_000)));
  afterEach(() => breakers.shutdown());

  it('opens after repeated upstream faults, for that data source instance only', async () => {
    await failTimes(breakers, source('a'), new SourceError('prometheus', 'unreachable', 'down'), 6);
    await expect(breakers.call('prometheus', source('a'), async () => 1)).rejects.toThrow(/circuit open/);
    await expect(breakers.call('prometheus', source('b'), async () => 2)).resolves.toBe(2);
  });

  it('never opens on the user’s own bad queries, oversized answers or cancellations', async () => {
    await failTimes(breakers, source('a'), new SourceError('prometheus', 'bad_query', 'parse error', 400), 10);
    await failTimes(breakers, source('a'), new SourceError('prometheus', 'too_large', 'too big', 200), 10);
    await failTimes(breakers, source('a'), new CancelledError(), 10);
    await expect(breakers.call('prometheus', source('a'), async () => 'still closed')).resolves.toBe('still closed');
  });

  it('never opens on timeouts: the caller shaped the query, and any viewer could send five', async () => {
    await failTimes(breakers, source('a'), new SourceError('prometheus', 'timeout', 'did not answer within 30 s'), 10);
    // Prometheus's own query timeout is a 503 with errorType "timeout", read as kind timeout.
    await failTimes(breakers, source('a'), new SourceError('prometheus', 'timeout', 'query timed out', 503), 10);
    await expect(breakers.call('prometheus', source('a'), async () => 'still closed')).resolves.toBe('still closed');
  });

  it('counts 5xx answers as upstream faults', async () => {
    await failTimes(breakers, source('a'), new SourceError('prometheus', 'http', 'HTTP 503', 503), 6);
    await expect(breakers.call('prometheus', source('a'), async () => 1)).rejects.toThrow(/circuit open/);
  });
});

/** The settings Grafana would send for a data source of an organisation. */
function instance(orgId: string, uid: string, url: string, password = 'secret') {
  const settings = parseSettingsAfresh({
    orgId,
    uid,
    name: 'Agent Memory',
    jsonData: Buffer.from(JSON.stringify({ prometheusUrl: url, prometheusBasicAuthUser: 'grafana' })),
    decryptedSecureJsonData: { prometheusBasicAuthPassword: password },
  });
  return settings.prometheus!;
}

describe('SourceBreakers across organisations and instances', () => {
  let breakers: SourceBreakers;
  beforeEach(() => (breakers = new SourceBreakers(undefined, 60_000)));
  afterEach(() => breakers.shutdown());
  const down = new SourceError('prometheus', 'unreachable', 'down');

  it('keeps apart two organisations whose data sources have the same uid and URL', async () => {
    const org1 = instance('1', 'agentmemory', 'http://prometheus:9090');
    const org2 = instance('2', 'agentmemory', 'http://prometheus:9090');
    await failTimes(breakers, org1, down, 6);
    await expect(breakers.call('prometheus', org1, async () => 1)).rejects.toThrow(/circuit open/);
    await expect(breakers.call('prometheus', org2, async () => 2)).resolves.toBe(2);
  });

  it('starts a fresh breaker when the URL or the password changes, not when the name does', async () => {
    const before = instance('1', 'agentmemory', 'http://prometheus:9090');
    await failTimes(breakers, before, down, 6);
    await expect(
      breakers.call('prometheus', instance('1', 'agentmemory', 'http://prometheus-2:9090'), async () => 'url')
    ).resolves.toBe('url');
    await expect(
      breakers.call('prometheus', instance('1', 'agentmemory', 'http://prometheus:9090', 'new'), async () => 'password')
    ).resolves.toBe('password');
    await expect(
      breakers.call('prometheus', instance('1', 'agentmemory', 'http://prometheus:9090'), async () => 1)
    ).rejects.toThrow(/circuit open/);
  });

  it('gives alert evaluations their own queue, which viewers cannot fill', async () => {
    const limited = new SourceBreakers(undefined, 60_000, 2);
    const settings = instance('1', 'agentmemory', 'http://prometheus:9090');
    const releases: Array<() => void> = [];
    const slow = () => new Promise<void>((resolve) => releases.push(resolve));
    const viewers = Array.from({ length: 6 }, () => limited.call('prometheus', settings, slow));
    await new Promise((r) => setImmediate(r));
    expect(limited.active('prometheus', settings, 'viewer')).toBe(2);
    const alert = limited.call('prometheus', settings, async () => 'evaluated', undefined, 'alert');
    const first = await Promise.race([alert, new Promise((r) => setTimeout(() => r('still queued'), 100))]);
    expect(first).toBe('evaluated');
    while (releases.length > 0 || limited.active('prometheus', settings, 'viewer') > 0) {
      releases.splice(0).forEach((release) => release());
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(viewers);
    limited.shutdown();
  });

  it('labels its metric by source and an opaque instance key, never the upstream host', async () => {
    const metrics = createPluginMetrics();
    const labelled = new SourceBreakers(() => metrics.circuitBreakerState, 60_000);
    const settings = instance('1', 'agentmemory', 'http://upstream-host.internal:9090');
    await failTimes(labelled, settings, down, 6);
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      `agentmemory_backend_circuit_breaker_state{source="prometheus",instance_id="${settings.instanceKey}"} 1`
    );
    expect(text).not.toMatch(/upstream-host|9090|agentmemory"|secret/);
    expect(text).not.toMatch(/^circuit_breaker_state/m);
    labelled.shutdown();
  });
});

describe('ConcurrencyLimit', () => {
  it('runs at most its limit at once and hands slots over in order', async () => {
    const limit = new ConcurrencyLimit(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) =>
        limit.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 10));
          order.push(i);
          running--;
        })
      )
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(limit.active).toBe(0);
  });

  it('lets a waiting call be cancelled without taking a slot', async () => {
    const limit = new ConcurrencyLimit(1);
    let release!: () => void;
    const first = limit.run(() => new Promise<void>((r) => (release = r)));
    const controller = new AbortController();
    const waiting = limit.run(async () => 'never', controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
    release();
    await first;
    await expect(limit.run(async () => 'next')).resolves.toBe('next');
    expect(limit.active).toBe(0);
  });
});

describe('laneOf', () => {
  const alertHeaders = { FromAlert: 'true', 'X-Rule-Uid': 'abc', 'X-Cache-Skip': 'true' };

  it("gives the alert lane to the scheduler's own requests", () => {
    expect(laneOf(alertHeaders, ALERT_SCHEDULER)).toBe('alert');
    const asGrafana12Sends = { login: 'grafana_scheduler', name: 'grafana_scheduler', email: '', role: 'Admin' };
    expect(laneOf(alertHeaders, asGrafana12Sends)).toBe('alert');
  });

  it('keeps a viewer who sends the alert headers through /api/ds/query in the viewer lane', () => {
    expect(laneOf(alertHeaders, { login: 'viewer', role: 'Viewer' })).toBe('viewer');
    expect(laneOf(alertHeaders, { login: 'grafana_scheduler', role: 'Viewer' })).toBe('viewer'); // renamed themselves
    expect(laneOf(alertHeaders, { login: 'grafana_scheduler', role: 'Editor' })).toBe('viewer');
    expect(laneOf(alertHeaders, { login: 'admin', role: 'Admin' })).toBe('viewer');
    expect(laneOf(alertHeaders, undefined)).toBe('viewer');
  });

  it('keeps the scheduler in the viewer lane when it does not say it evaluates a rule', () => {
    expect(laneOf({}, ALERT_SCHEDULER)).toBe('viewer');
    expect(laneOf({ FromAlert: 'false' }, ALERT_SCHEDULER)).toBe('viewer');
    expect(laneOf(undefined, ALERT_SCHEDULER)).toBe('viewer');
  });
});
