import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MemoryTelemetry } from './memoryTelemetry.js';

/**
 * HTTP server metrics (`http_requests_total`, `http_request_duration_seconds`,
 * `http_concurrent_requests`) for node:http, Express and Fastify. The endpoint label is the
 * route template (`/memories/:id`), never the raw path, so ids do not become label values; the
 * metrics endpoint itself is not counted.
 */
export interface HttpMetricsOptions {
  /** Not counted; default `/metrics`. */
  metricsPath?: string;
  /** node:http only: the route template of a request; default: the path with ids replaced. */
  routeOf?: (req: IncomingMessage) => string | undefined;
}

const ID_SEGMENT = /^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|mem-[\w-]+)$/i;

/** A route template from a raw path when nothing better is known: id-like segments become `:id`. */
export function templateFromPath(url: string | undefined): string {
  const path = (url ?? '/').split('?')[0] || '/';
  return path
    .split('/')
    .map((segment) => (ID_SEGMENT.test(segment) ? ':id' : segment))
    .join('/');
}

function pathOf(url: string | undefined): string {
  return (url ?? '/').split('?')[0] || '/';
}

/** Starts timing one request; the returned function records it once, whichever event comes first. */
function startRequest(telemetry: MemoryTelemetry, method: string): (endpoint: string, status: number) => void {
  const started = performance.now();
  let done = false;
  try {
    telemetry.metrics.httpConcurrentRequests.inc();
  } catch {
    // recording must never break the request
  }
  return (endpoint, status) => {
    if (done) {
      return;
    }
    done = true;
    try {
      telemetry.metrics.httpConcurrentRequests.dec();
      const label = telemetry.label('endpoint', endpoint);
      telemetry.metrics.httpRequests.inc({ method, endpoint: label, status: String(status) });
      telemetry.metrics.httpRequestDuration.observe({ method, endpoint: label }, (performance.now() - started) / 1000);
    } catch (error) {
      telemetry.reportOnce('http', `telemetry: could not record an HTTP request: ${(error as Error).message}`);
    }
  };
}

/** Wraps a node:http request handler. */
export function instrumentHttpHandler<Req extends IncomingMessage, Res extends ServerResponse>(
  telemetry: MemoryTelemetry,
  handler: (req: Req, res: Res) => void,
  options: HttpMetricsOptions = {}
): (req: Req, res: Res) => void {
  const metricsPath = options.metricsPath ?? '/metrics';
  return (req, res) => {
    if (pathOf(req.url) === metricsPath) {
      return handler(req, res);
    }
    const finish = startRequest(telemetry, req.method ?? 'GET');
    const record = () => finish(options.routeOf?.(req) ?? templateFromPath(req.url), res.statusCode);
    res.once('finish', record);
    res.once('close', record);
    return handler(req, res);
  };
}

interface ExpressLikeRequest extends IncomingMessage {
  baseUrl?: string;
  route?: { path?: string };
  originalUrl?: string;
}

/** Express middleware; mount it before the routes. Unmatched requests are labelled `unmatched`. */
export function expressHttpMetrics(telemetry: MemoryTelemetry, options: HttpMetricsOptions = {}) {
  const metricsPath = options.metricsPath ?? '/metrics';
  return (req: ExpressLikeRequest, res: ServerResponse, next: () => void) => {
    if (pathOf(req.originalUrl ?? req.url) === metricsPath) {
      return next();
    }
    const finish = startRequest(telemetry, req.method ?? 'GET');
    const record = () => {
      const template = req.route?.path !== undefined ? `${req.baseUrl ?? ''}${String(req.route.path)}` : 'unmatched';
      finish(template, res.statusCode);
    };
    res.once('finish', record);
    res.once('close', record);
    next();
  };
}

interface FastifyLike {
  addHook(name: 'onRequest' | 'onResponse', hook: (request: any, reply: any, done: () => void) => void): unknown;
}

const FASTIFY_FINISH = Symbol('memstack.httpFinish');

/** Adds the metrics hooks to a Fastify instance (the root one, so that every route is covered). */
export function fastifyHttpMetrics(
  telemetry: MemoryTelemetry,
  app: FastifyLike,
  options: HttpMetricsOptions = {}
): void {
  const metricsPath = options.metricsPath ?? '/metrics';
  app.addHook('onRequest', (request, _reply, done) => {
    if (pathOf(request.url) !== metricsPath) {
      request[FASTIFY_FINISH] = startRequest(telemetry, request.method);
    }
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const finish = request[FASTIFY_FINISH] as ((endpoint: string, status: number) => void) | undefined;
    finish?.(request.routeOptions?.url ?? 'unmatched', reply.statusCode);
    done();
  });
}

/** A `/metrics` handler for node:http and Express: the registry in its own content type. */
export function metricsHandler(telemetry: MemoryTelemetry) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    telemetry.exposition().then(
      ({ contentType, body }) => {
        res.writeHead(200, { 'Content-Type': contentType });
        res.end(body);
      },
      (error: Error) => {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(`could not collect metrics: ${error.message}\n`);
      }
    );
  };
}
