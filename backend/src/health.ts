import { parseSettings, SettingsError, type InstanceSettingsMessage } from './settings';
import { PrometheusClient } from './sources/prometheus';
import { SourceError } from './sources/sourceError';

export interface HealthResult {
  status: 'OK' | 'ERROR';
  message: string;
  details: Record<string, { ok: boolean; message: string }>;
}

/** Tests every configured source and says which one fails and why. */
export async function checkHealth(instance: InstanceSettingsMessage | undefined): Promise<HealthResult> {
  let settings;
  try {
    settings = parseSettings(instance);
  } catch (error) {
    const message = error instanceof SettingsError ? error.message : 'the data source settings could not be read';
    return { status: 'ERROR', message, details: {} };
  }
  const details: HealthResult['details'] = {};
  if (!settings.prometheus) {
    return { status: 'ERROR', message: 'No source is configured: set at least the Prometheus URL', details };
  }
  try {
    const version = await new PrometheusClient(settings.prometheus).buildInfo();
    details.prometheus = { ok: true, message: `Prometheus ${version} answered` };
  } catch (error) {
    details.prometheus = {
      ok: false,
      message: error instanceof SourceError ? error.message : `Prometheus check failed: ${String(error)}`,
    };
  }
  const failed = Object.values(details).filter((d) => !d.ok);
  if (failed.length > 0) {
    return { status: 'ERROR', message: failed.map((d) => d.message).join('; '), details };
  }
  return {
    status: 'OK',
    message: Object.values(details)
      .map((d) => d.message)
      .join('; '),
    details,
  };
}
