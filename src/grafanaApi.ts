import { getBackendSrv } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';
import { grafanaErrorMessage } from './errors';

/** A refusal of Grafana's HTTP API: its status (0 when nothing answered) and Grafana's own message. */
export class GrafanaApiError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
  }
}

/** One call to Grafana's HTTP API through its backend service, without Grafana's own toasts. */
export async function grafanaRequest<T>(
  method: string,
  url: string,
  data?: unknown,
  headers?: Record<string, string>
): Promise<T> {
  try {
    const response = await lastValueFrom(
      getBackendSrv().fetch<T>({ method, url, data, headers, showErrorAlert: false, showSuccessAlert: false })
    );
    return response.data;
  } catch (error) {
    throw new GrafanaApiError((error as { status?: number }).status ?? 0, grafanaErrorMessage(error));
  }
}
