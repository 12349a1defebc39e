import { parseSettingsAfresh, SettingsError, type InstanceSettingsMessage } from './settings';
import { ElasticsearchClient } from './sources/elasticsearch';
import { JaegerClient } from './sources/jaeger';
import { PrometheusClient } from './sources/prometheus';
import { SourceError } from './sources/sourceError';

export interface HealthResult {
  status: 'OK' | 'ERROR';
  message: string;
  details: Record<string, { ok: boolean; message: string }>;
}

function describe(error: unknown, source: string): string {
  return error instanceof SourceError ? error.message : `${source} check failed: ${String(error)}`;
}

/** Tests every configured source in parallel and says which one fails and why. */
export async function checkHealth(instance: InstanceSettingsMessage | undefined): Promise<HealthResult> {
  let settings;
  try {
    settings = parseSettingsAfresh(instance);
  } catch (error) {
    const message = error instanceof SettingsError ? error.message : 'the data source settings could not be read';
    return { status: 'ERROR', message, details: {} };
  }
  const checks: Array<[string, () => Promise<string>]> = [];
  if (settings.prometheus) {
    const client = new PrometheusClient(settings.prometheus);
    checks.push(['prometheus', async () => `Prometheus ${await client.buildInfo()} answered`]);
  }
  if (settings.elasticsearch) {
    const client = new ElasticsearchClient(settings.elasticsearch);
    const index = settings.elasticsearch.index;
    checks.push([
      'elasticsearch',
      async () => {
        const version = await client.health();
        const found = await client.search({ size: 0, track_total_hits: true, query: { match_all: {} } });
        const total = typeof found.hits?.total === 'number' ? found.hits.total : (found.hits?.total?.value ?? 0);
        return `${version} answered; ${total} events in ${index}`;
      },
    ]);
  }
  if (settings.jaeger) {
    const client = new JaegerClient(settings.jaeger);
    checks.push(['jaeger', async () => `Jaeger answered with ${(await client.services()).length} services`]);
  }
  if (checks.length === 0) {
    return {
      status: 'ERROR',
      message: 'No source is configured: set at least one of the Prometheus, Elasticsearch or Jaeger URLs',
      details: {},
    };
  }
  const details: HealthResult['details'] = {};
  await Promise.all(
    checks.map(async ([name, check]) => {
      try {
        details[name] = { ok: true, message: await check() };
      } catch (error) {
        details[name] = { ok: false, message: describe(error, name) };
      }
    })
  );
  for (const [name, source] of [
    ['prometheus', settings.prometheus],
    ['elasticsearch', settings.elasticsearch],
    ['jaeger', settings.jaeger],
  ] as const) {
    if (source?.tls?.skipVerify && details[name]?.ok) {
      details[name].message +=
        ' (warning: TLS certificate verification is off for it; turn "skip verify" off outside tests)';
    }
  }
  const order = checks.map(([name]) => details[name]);
  const failed = order.filter((d) => !d.ok);
  return failed.length > 0
    ? { status: 'ERROR', message: failed.map((d) => d.message).join('; '), details }
    : { status: 'OK', message: order.map((d) => d.message).join('; '), details };
}
