import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkHealth, healthThrottle } from './checkHealth';

/**
 * A Jaeger whose /api/services answers after `delayMs`, or never ('hang'); it counts the
 * requests it got and the ones whose client went away before the answer.
 */
let server: http.Server;
let base: string;
let requests = 0;
let abandoned = 0;
let delayMs = 0;
let hang = false;

beforeAll(async () => {
  server = http.createServer((_req, res) => {
    requests++;
    const answer = () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: ['a', 'b'] }));
    };
    res.on('close', () => {
      if (!res.writableEnded) {
        abandoned++;
      }
    });
    if (!hang) {
      setTimeout(answer, delayMs);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

let instanceCount = 0;
/** A data source instance of its own per test, so no test sees another's remembered answer. */
function newInstance() {
  instanceCount++;
  return {
    uid: `health-${instanceCount}`,
    jsonData: Buffer.from(JSON.stringify({ jaegerUrl: base, timeoutSeconds: 30 })),
  };
}

const until = async (condition: () => boolean, timeoutMs = 2000) => {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) {
      throw new Error('timed out waiting');
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

beforeEach(() => {
  requests = 0;
  abandoned = 0;
  delayMs = 0;
  hang = false;
  healthThrottle.minIntervalMs = 5000;
});

describe('CheckHealth throttling', () => {
  it('runs one probe for concurrent checks of the same instance, and they share its answer', async () => {
    delayMs = 200;
    const instance = newInstance();
    const results = await Promise.all(Array.from({ length: 10 }, () => checkHealth(instance)));
    expect(requests).toBe(1);
    for (const result of results) {
      expect(result).toEqual(results[0]);
    }
    expect(results[0].status).toBe('OK');
    expect(results[0].message).toBe('Jaeger answered with 2 services');
  });

  it('answers from the last probe within the interval, and probes again after it', async () => {
    const instance = newInstance();
    await checkHealth(instance);
    await checkHealth(instance);
    expect(requests).toBe(1);
    healthThrottle.minIntervalMs = 50;
    await new Promise((resolve) => setTimeout(resolve, 60));
    await checkHealth(instance);
    expect(requests).toBe(2);
  });

  it('probes afresh when the settings change, even within the interval', async () => {
    const instance = newInstance();
    await checkHealth(instance);
    await checkHealth({ ...instance, jsonData: Buffer.from(JSON.stringify({ jaegerUrl: base, timeoutSeconds: 29 })) });
    expect(requests).toBe(2);
  });
});

describe('CheckHealth cancellation', () => {
  it('aborts the upstream request when the caller cancels, and answers at once', async () => {
    hang = true;
    const controller = new AbortController();
    const pending = checkHealth(newInstance(), controller.signal);
    await until(() => requests === 1);
    const cancelledAt = Date.now();
    controller.abort();
    expect((await pending).message).toBe('the health check was cancelled');
    await until(() => abandoned === 1, 1000);
    expect(Date.now() - cancelledAt).toBeLessThan(1000);
  });

  it('keeps a shared probe running while another caller still waits for it', async () => {
    delayMs = 300;
    const instance = newInstance();
    const leaving = new AbortController();
    const first = checkHealth(instance, leaving.signal);
    const second = checkHealth(instance, new AbortController().signal);
    await until(() => requests === 1);
    leaving.abort();
    expect((await first).message).toBe('the health check was cancelled');
    expect((await second).status).toBe('OK');
    expect(abandoned).toBe(0);
    expect(requests).toBe(1);
  });

  it('does not probe at all for a call already cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    expect((await checkHealth(newInstance(), controller.signal)).message).toBe('the health check was cancelled');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(requests).toBe(0);
  });

  it('does not remember a cancelled probe: the next check probes again', async () => {
    hang = true;
    const instance = newInstance();
    const controller = new AbortController();
    const pending = checkHealth(instance, controller.signal);
    await until(() => requests === 1);
    controller.abort();
    await pending;
    hang = false;
    expect((await checkHealth(instance)).status).toBe('OK');
    expect(requests).toBe(2);
  });
});
