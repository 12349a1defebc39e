import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import {
  expressHttpMetrics,
  fastifyHttpMetrics,
  instrumentHttpHandler,
  metricsHandler,
  matchRoute,
  methodLabel,
} from './http.js';
import { MemoryTelemetry } from './memoryTelemetry.js';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function text(telemetry: MemoryTelemetry): Promise<string> {
  return (await telemetry.exposition()).body;
}

describe('HTTP metrics', () => {
  it('matches a path to its route template, or "unmatched", and keeps methods to HTTP’s own', () => {
    const routes = ['/memories/:id', '/memories/:id/history', '/search', '/static/*'];
    expect(matchRoute(routes, '/memories/123?x=1')).toBe('/memories/:id');
    expect(matchRoute(routes, '/memories/3f2b/history')).toBe('/memories/:id/history');
    expect(matchRoute(routes, '/search')).toBe('/search');
    expect(matchRoute(routes, '/static/a/b.js')).toBe('/static/*');
    expect(matchRoute(routes, '/memories/')).toBe('unmatched');
    expect(matchRoute(routes, '/wp-admin/install.php')).toBe('unmatched');
    expect(methodLabel('get')).toBe('GET');
    expect(methodLabel('BREW')).toBe('OTHER');
  });

  it('node:http: counts requests by method, template and status, skips /metrics, and serves /metrics', async () => {
    const telemetry = new MemoryTelemetry();
    const server = createServer(
      instrumentHttpHandler(
        telemetry,
        (req, res) => {
          if (req.url === '/metrics') {
            return metricsHandler(telemetry)(req, res);
          }
          res.statusCode = req.url?.startsWith('/memories') ? 200 : 404;
          res.end('ok');
        },
        { routes: ['/memories/:id'] }
      )
    );
    const base = await listen(server);
    try {
      await fetch(`${base}/memories/42`);
      await fetch(`${base}/memories/43`);
      await fetch(`${base}/missing-1`);
      await fetch(`${base}/missing-2`, { method: 'PROPFIND' });
      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.headers.get('content-type')).toContain('text/plain');
      const body = await metrics.text();
      expect(body).toContain('http_requests_total{method="GET",endpoint="/memories/:id",status="200"} 2');
      expect(body).toContain('http_requests_total{method="GET",endpoint="unmatched",status="404"} 1');
      expect(body).toContain('http_requests_total{method="OTHER",endpoint="unmatched",status="404"} 1');
      expect(body).not.toContain('missing');
      expect(body).not.toContain('endpoint="/metrics"');
      expect(body).toContain('http_concurrent_requests 0');
    } finally {
      server.close();
    }
  });

  it('Express: labels the route template, not the raw path; unmatched routes are "unmatched"', async () => {
    const telemetry = new MemoryTelemetry();
    const app = express();
    app.use(expressHttpMetrics(telemetry));
    const router = express.Router();
    router.get('/memories/:id', (_req, res) => {
      res.json({ ok: true });
    });
    app.use('/v1', router);
    app.get('/metrics', metricsHandler(telemetry));
    const server = createServer(app);
    const base = await listen(server);
    try {
      await fetch(`${base}/v1/memories/abc`);
      await fetch(`${base}/v1/memories/def`);
      await fetch(`${base}/nothing-here`);
      await fetch(`${base}/metrics`);
      const body = await text(telemetry);
      expect(body).toContain('http_requests_total{method="GET",endpoint="/v1/memories/:id",status="200"} 2');
      expect(body).toContain('http_requests_total{method="GET",endpoint="unmatched",status="404"} 1');
      expect(body).not.toContain('endpoint="/metrics"');
      expect(body).toMatch(/http_request_duration_seconds_count\{method="GET",endpoint="\/v1\/memories\/:id"\} 2/);
    } finally {
      server.close();
    }
  });

  it('Fastify: labels the route template from routeOptions', async () => {
    const telemetry = new MemoryTelemetry();
    const app = Fastify();
    fastifyHttpMetrics(telemetry, app);
    app.get('/memories/:id', async () => ({ ok: true }));
    app.post('/memories', async (_req, reply) => reply.code(201).send({ id: 'x' }));
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      await fetch(`${base}/memories/1`);
      await fetch(`${base}/memories`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      await fetch(`${base}/metrics`);
      await fetch(`${base}/nothing`);
      const body = await text(telemetry);
      expect(body).not.toContain('endpoint="/metrics"');
      expect(body).toContain('http_requests_total{method="GET",endpoint="/memories/:id",status="200"} 1');
      expect(body).toContain('http_requests_total{method="POST",endpoint="/memories",status="201"} 1');
      expect(body).toContain('endpoint="unmatched",status="404"');
      expect(body).toContain('http_concurrent_requests 0');
    } finally {
      await app.close();
    }
  });

  it('node:http: a routeOf callback that throws, or hostile request fields, never throw from the response events', async () => {
    const logs: string[] = [];
    const telemetry = new MemoryTelemetry({ logger: (m) => logs.push(m) });
    const handler = instrumentHttpHandler(telemetry, () => undefined, {
      routeOf: () => {
        throw Object.create(null);
      },
    });
    const req = Object.assign(new EventEmitter(), { url: '/memories/1', method: Object.create(null) });
    const res = Object.assign(new EventEmitter(), { statusCode: 200 });
    handler(req as unknown as IncomingMessage, res as unknown as ServerResponse);
    expect(() => res.emit('finish')).not.toThrow();
    const body = await text(telemetry);
    expect(body).toContain('http_requests_total{method="GET",endpoint="unmatched",status="200"} 1');
    expect(logs).toEqual(['telemetry: the route of a request could not be read: unprintable error']);
  });

  it('bounds the series of http_requests_total per metric', async () => {
    const telemetry = new MemoryTelemetry({ seriesCap: 3 });
    const handler = instrumentHttpHandler(telemetry, () => undefined, { routeOf: (req) => req.url });
    for (const url of ['/a', '/b', '/c', '/d', '/e']) {
      const res = Object.assign(new EventEmitter(), { statusCode: 200 });
      handler(Object.assign(new EventEmitter(), { url, method: 'GET' }) as never, res as never);
      res.emit('finish');
    }
    const body = await text(telemetry);
    expect(body).toContain('http_requests_total{method="__other__",endpoint="__other__",status="__other__"} 2');
    expect(body).toContain('ai_telemetry_label_values_folded_total{metric="http_requests_total",label="__series__"} 2');
  });
});
