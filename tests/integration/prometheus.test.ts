import { prometheusRules } from '../../src/alerting/prometheus';
import { eventually, getJson, stackUrl } from './env';

describe('Prometheus (HTTP API, as the backend uses it)', () => {
  const prom = stackUrl('PROMETHEUS_URL');

  it('answers buildinfo', async () => {
    const body = await getJson(`${prom}/api/v1/status/buildinfo`);
    expect(body.status).toBe('success');
    expect(body.data.version).toMatch(/^\d+\.\d+/);
  });

  it('scrapes the demo and holds its memory operation series', async () => {
    const series = await eventually(
      async () => {
        const body = await getJson(
          `${prom}/api/v1/query?query=${encodeURIComponent('sum by (operation) (ai_memory_operations_total{job="agentmemory-demo"})')}`
        );
        return body.data.result.length >= 2 ? body.data.result : undefined;
      },
      30_000,
      'demo series in Prometheus'
    );
    const operations = series.map((s: any) => s.metric.operation);
    expect(operations).toEqual(expect.arrayContaining(['add', 'search']));
  });

  it("loads the app's generated alert rules and evaluates them without errors", async () => {
    const body = await getJson(`${prom}/api/v1/rules?type=alert`);
    const rules = body.data.groups.flatMap((g: any) => g.rules);
    expect(rules.map((r: any) => r.name).sort()).toEqual(
      prometheusRules()
        .map((r) => r.name)
        .sort()
    );
    for (const rule of rules) {
      expect([rule.name, rule.health, rule.lastError ?? '']).toEqual([
        rule.name,
        expect.stringMatching(/^(ok|unknown)$/),
        '',
      ]);
    }
  });

  it('scrapes every exporter of the stack', async () => {
    const targets = await eventually(
      async () => {
        const body = await getJson(`${prom}/api/v1/targets?state=active`);
        const active = body.data.activeTargets as Array<{ labels: { job: string }; health: string }>;
        return active.every((t) => t.health === 'up') && active.length >= 5 ? active : undefined;
      },
      30_000,
      'all scrape targets up'
    );
    expect(targets.map((t) => t.labels.job).sort()).toEqual([
      'agentmemory-demo',
      'jaeger',
      'node',
      'postgres',
      'prometheus',
    ]);
  });

  it('sends its alerts to the stack Alertmanager', async () => {
    const body = await getJson(`${prom}/api/v1/alertmanagers`);
    expect(body.data.activeAlertmanagers.map((a: { url: string }) => a.url)[0]).toContain(
      new URL(stackUrl('ALERTMANAGER_URL')).host
    );
  });
});

describe('Alertmanager (v2 API)', () => {
  const am = stackUrl('ALERTMANAGER_URL');

  it('accepts an alert and lists it back', async () => {
    const name = `SmokeTest${Date.now()}`;
    const response = await fetch(`${am}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([{ labels: { alertname: name, service: 'smoke' }, annotations: { summary: 'smoke test' } }]),
    });
    expect(response.status).toBe(200);
    const alerts = await eventually(
      async () => {
        const list = await getJson<Array<{ labels: { alertname: string } }>>(
          `${am}/api/v2/alerts?filter=${encodeURIComponent(`alertname="${name}"`)}`
        );
        return list.length > 0 ? list : undefined;
      },
      10_000,
      'alert listed'
    );
    expect(alerts[0].labels.alertname).toBe(name);
  });
});
