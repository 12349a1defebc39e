/**
 * Grafana's backend service for the browser harness pages, over real HTTP to the Grafana stand-in
 * (tests/conformance/cmd/grafanastandin). Requests are recorded on the page; errors carry
 * { status, data } like Grafana's.
 */
import { setBackendSrv, type BackendSrv, type BackendSrvRequest } from '@grafana/runtime';
import { from } from 'rxjs';

// Grafana behaviours this file imitates, each a row of docs/grafana-behaviour.md:
//   Grafana: BACKEND-SRV-ERROR (docs/grafana-behaviour.md)

declare global {
  interface Window {
    requests: Array<{
      method: string;
      url: string;
      data?: unknown;
      status?: number;
      headers?: Record<string, string>;
      /** Milliseconds from sending to the whole answer read. */
      ms?: number;
    }>;
  }
}

async function send(options: BackendSrvRequest) {
  const params = options.params
    ? new URLSearchParams(
        Object.entries(options.params).filter(([, v]) => v !== undefined) as Array<[string, string]>
      ).toString()
    : '';
  const url = params ? `${options.url}${options.url.includes('?') ? '&' : '?'}${params}` : options.url;
  const headers = { 'Content-Type': 'application/json', ...(options.headers ?? {}) };
  const record: Window['requests'][number] = { method: options.method ?? 'GET', url, data: options.data, headers };
  window.requests.push(record);
  const started = performance.now();
  const response = await window.fetch(url, {
    method: options.method ?? 'GET',
    headers,
    body: options.data === undefined ? undefined : JSON.stringify(options.data),
  });
  record.status = response.status;
  const text = await response.text();
  record.ms = performance.now() - started;
  const data = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    throw { status: response.status, statusText: response.statusText, data, config: options };
  }
  return {
    data,
    status: response.status,
    ok: true,
    headers: response.headers,
    redirected: false,
    statusText: response.statusText,
    type: 'basic' as const,
    url,
    config: options,
  };
}

export function installBackendSrv(): void {
  window.requests = [];
  setBackendSrv({
    fetch: (options: BackendSrvRequest) => from(send(options)),
    datasourceRequest: send,
    request: (options: BackendSrvRequest) => send(options).then((r) => r.data),
    get: (url: string, params?: Record<string, string>) => send({ url, params }).then((r) => r.data),
    post: (url: string, data?: unknown) => send({ url, method: 'POST', data }).then((r) => r.data),
  } as unknown as BackendSrv);
}
