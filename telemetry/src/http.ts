import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MemoryTelemetry } from './memoryTelemetry.js';
import { errorMessage, safeString } from './safeText.js';

/**
 * HTTP server metrics (`http_requests_total`, `http_request_duration_seconds`,
 * `http_concurrent_requests`) for node:http, Express and Fastify. The endpoint label is the
 * route template (`/memories/:id`) the request matched, or `unmatched`: a raw path never becomes
 * a label value, so neither ids nor a scanner's made-up paths can grow the series. Methods
 * outside HTTP's own become `OTHER`. The metrics endpoint itself is not counted.
 */
export interface HttpMetricsOptions {
  /** Not counted; default `/metrics`. */
  metricsPath?: string;
  /** node:http: the route templates the server answers, e.g. `/memories/:id`; `*` matches the rest of a path. */
  routes?: readonly string[];
  /** node:http: the route template of a request, when the server's router knows it (overrides `routes`). */
  routeOf?: (req: IncomingMessage) => string | undefined;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE']);

/** The method label: one of HTTP's methods, or OTHER. */
export function methodLabel(method: string | undefined): string {
  const upper = typeof method === 'string' ? method.toUpperCase() : 'GET';
  return METHODS.has(upper) ? upper : 'OTHER';
}

/** The first template a path matches (`:name` is one segment, a final `*` the rest), or `unmatched`. */
export function matchRoute(templates: readonly string[], url: string | undefined): string {
  const segments = pathOf(url).split('/');
  for (const template of templates) {
    const parts = template.split('/');
    const matches = parts.every((part, i) =>
      part === '*' && i === parts.length - 1
        ? true
        : i < segments.length && (part.startsWith(':') ? segments[i] !== '' : part === segments[i])
    );
    if (matches && (parts.at(-1) === '*' || parts.length === segments.length)) {
      return template;
    }
  }
  return UNMATCHED;
}

const UNMATCHED = 'unmatched';

/** An HTTP status code 100–599 as text; anything else a host set becomes "unknown". */
function statusLabel(status: unknown): string {
  return typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599
    ? String(status)
    : 'unknown';
}

function pathOf(url: string | undefined): string {
  return (typeof url === 'string' ? url : '/').split('?')[0] || '/';
}

/**
 * The endpoint label of a finished request from the host's router (a callback, Express' or
 * Fastify's route objects): whatever it throws or returns, a string or `unmatched`.
 */
function templateOf(telemetry: MemoryTelemetry, find: () => unknown): string {
  try {
    const template = find();
    return typeof template === 'string' && template !== '' ? template : UNMATCHED;
  } catch (error) {
    telemetry.reportOnce('http:route', `telemetry: the route of a request could not be read: ${errorMessage(error)}`);
    return UNMATCHED;
  }
}

/** Starts timing one request; the returned function records it once, whichever event comes first. */
function startRequest(telemetry: MemoryTelemetry, rawMethod: string | undefined) {
  const method = methodLabel(rawMethod);
  const started = performance.now();
  let done = false;
  try {
    telemetry.metrics.httpConcurrentRequests.inc();
  } catch {
    // recording must never break the request
  }
  return (endpoint: string, status: number) => {
    if (done) {
      return;
    }
    done = true;
    try {
      telemetry.metrics.httpConcurrentRequests.dec();
      const label = telemetry.label('endpoint', endpoint);
      telemetry.metrics.httpRequests.inc(
        telemetry.guardSeries('httpRequests', { method, endpoint: label, status: statusLabel(status) })
      );
      telemetry.metrics.httpRequestDuration.observe(
        telemetry.guardSeries('httpRequestDuration', { method, endpoint: label }),
        (performance.now() - started) / 1000
      );
    } catch (error) {
      telemetry.reportOnce('http', `telemetry: could not record an HTTP request: ${errorMessage(error)}`);
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
    const finish = startRequest(telemetry, req.method);
    // Runs from the response's events: a throw here would be an uncaught exception in the host.
    const record = () =>
      finish(
        templateOf(telemetry, () =>
          options.routeOf ? options.routeOf(req) : matchRoute(options.routes ?? [], req.url)
        ),
        res.statusCode
      );
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
    const finish = startRequest(telemetry, req.method);
    const record = () => {
      const template = templateOf(telemetry, () =>
        req.route?.path !== undefined ? `${req.baseUrl ?? ''}${safeString(req.route.path)}` : UNMATCHED
      );
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
    finish?.(
      templateOf(telemetry, () => request.routeOptions?.url),
      reply.statusCode
    );
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
      (error: unknown) => {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(`could not collect metrics: ${errorMessage(error)}\n`);
      }
    );
  };
}
