import { parseSettingsAfresh, settingsKey, SettingsError, type InstanceSettingsMessage } from '../settings';
import { ElasticsearchClient } from '../sources/elasticsearch';
import { JaegerClient } from '../sources/jaeger';
import { PrometheusClient } from '../sources/prometheus';
import { SourceError } from '../sources/sourceError';
import { SOURCE_LABELS, type HealthDetails, type SourceHealth, type SourceId } from '../../../contract';

export interface HealthResult {
  status: 'OK' | 'ERROR';
  message: string;
  /** CheckHealth's jsonDetails, in the shape the configuration page reads (contract/health.ts). */
  details: HealthDetails;
}

function describe(error: unknown, what: string): string {
  return error instanceof SourceError ? error.message : `${what} check failed: ${String(error)}`;
}

/**
 * How often one data source configuration is really probed. "Save & test", the configuration
 * page's set-up check and scripts may call CheckHealth in bursts; each probe costs every
 * upstream a request or two (Elasticsearch three), so calls within this interval of a finished
 * probe get its answer. An object so tests can shorten it.
 */
export const healthThrottle = { minIntervalMs: 5000 };
/** Configurations whose last answer is remembered; the oldest is forgotten past it. */
const MAX_REMEMBERED_PROBES = 64;

interface Probe {
  result: Promise<HealthResult>;
  /** Aborts the probe's upstream requests once no caller waits for it any more. */
  controller: AbortController;
  waiting: number;
  /** performance.now() when it answered; undefined while it runs. */
  answeredAt?: number;
}

/** One probe per exact configuration (settingsKey): in flight, or answered less than minIntervalMs ago. */
const probes = new Map<string, Probe>();

const CANCELLED: HealthResult = {
  status: 'ERROR',
  message: 'the health check was cancelled',
  details: { sources: {} },
};

function forget(key: string, probe: Probe): void {
  if (probes.get(key) === probe) {
    probes.delete(key);
  }
}

function startProbe(key: string, instance: InstanceSettingsMessage | undefined): Probe {
  const controller = new AbortController();
  const result = probeSources(instance, controller.signal).catch((error: unknown): HealthResult => ({
    status: 'ERROR',
    message: describe(error, 'the health check'),
    details: { sources: {} },
  }));
  const probe: Probe = { controller, waiting: 0, result };
  void result.then(() => {
    if (controller.signal.aborted) {
      forget(key, probe);
    } else {
      probe.answeredAt = performance.now();
    }
  });
  if (probes.size >= MAX_REMEMBERED_PROBES) {
    probes.delete(probes.keys().next().value!);
  }
  probes.set(key, probe);
  return probe;
}

/** The probe's answer, or CANCELLED as soon as the caller's signal fires; the last caller to leave aborts it. */
function waitFor(key: string, probe: Probe, signal: AbortSignal | undefined): Promise<HealthResult> {
  if (probe.answeredAt !== undefined) {
    return probe.result;
  }
  probe.waiting++;
  return new Promise((resolve) => {
    const leave = () => {
      probe.waiting--;
      if (probe.waiting === 0 && probe.answeredAt === undefined) {
        probe.controller.abort();
        forget(key, probe);
      }
      resolve(CANCELLED);
    };
    signal?.addEventListener('abort', leave, { once: true });
    void probe.result.then((result) => {
      if (!signal?.aborted) {
        signal?.removeEventListener('abort', leave);
        probe.waiting--;
        resolve(result);
      }
    });
  });
}

/**
 * Tests every configured source in parallel and says which one fails and why. Throttled: at
 * most one probe per configuration runs at a time, concurrent callers share it, and a probe that
 * answered less than healthThrottle.minIntervalMs ago answers again. Cancellable: when Grafana
 * cancels the call (or its deadline passes), `signal` fires, and the upstream requests are
 * aborted once no other caller waits for the same probe.
 */
export function checkHealth(
  instance: InstanceSettingsMessage | undefined,
  signal?: AbortSignal
): Promise<HealthResult> {
  if (signal?.aborted) {
    return Promise.resolve(CANCELLED);
  }
  const key = settingsKey(instance);
  let probe = probes.get(key);
  if (probe?.answeredAt !== undefined && performance.now() - probe.answeredAt >= healthThrottle.minIntervalMs) {
    forget(key, probe);
    probe = undefined;
  }
  return waitFor(key, probe ?? startProbe(key, instance), signal);
}

async function probeSources(instance: InstanceSettingsMessage | undefined, signal: AbortSignal): Promise<HealthResult> {
  let settings;
  try {
    settings = parseSettingsAfresh(instance);
  } catch (error) {
    const message = error instanceof SettingsError ? error.message : 'the data source settings could not be read';
    return { status: 'ERROR', message, details: { sources: {} } };
  }
  const checks: Array<[SourceId, () => Promise<string>]> = [];
  if (settings.prometheus) {
    const client = new PrometheusClient(settings.prometheus);
    checks.push(['prometheus', async () => `Prometheus ${await client.buildInfo(signal)} answered`]);
  }
  if (settings.elasticsearch) {
    const client = new ElasticsearchClient(settings.elasticsearch);
    const index = settings.elasticsearch.index;
    checks.push([
      'elasticsearch',
      async () => {
        const version = await client.health(signal);
        const found = await client.search({ size: 0, track_total_hits: true, query: { match_all: {} } }, signal);
        const total = typeof found.hits?.total === 'number' ? found.hits.total : (found.hits?.total?.value ?? 0);
        return `${version} answered; ${total} events in ${index}`;
      },
    ]);
  }
  if (settings.jaeger) {
    const client = new JaegerClient(settings.jaeger);
    checks.push(['jaeger', async () => `Jaeger answered with ${(await client.services(signal)).length} services`]);
  }
  if (checks.length === 0) {
    return {
      status: 'ERROR',
      message: 'No source is configured: set at least one of the Prometheus, Elasticsearch or Jaeger URLs',
      details: { sources: {} },
    };
  }
  const details: Partial<Record<SourceId, SourceHealth>> = {};
  await Promise.all(
    checks.map(async ([name, check]) => {
      try {
        details[name] = { ok: true, message: await check() };
      } catch (error) {
        details[name] = { ok: false, message: describe(error, SOURCE_LABELS[name]) };
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
  const order = checks.map(([name]) => details[name]!);
  const failed = order.filter((d) => !d.ok);
  return failed.length > 0
    ? { status: 'ERROR', message: failed.map((d) => d.message).join('; '), details: { sources: details } }
    : { status: 'OK', message: order.map((d) => d.message).join('; '), details: { sources: details } };
}
