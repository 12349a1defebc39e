import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { hostHeaderValidation } from '@modelcontextprotocol/sdk/server/middleware/hostHeaderValidation.js';

type Middleware = (req: any, res: any, next: () => void) => void;

/** Host names a loopback listener is reached by; URL spells IPv6 hosts with brackets. */
const LOOPBACK_HOSTNAMES = ['localhost', '127.0.0.1', '[::1]'];

/**
 * The host names /mcp answers to: loopback, plus the configured listen address unless it is a
 * wildcard (0.0.0.0 or :: names no host a client would type, so it allows nothing more).
 */
export function allowedHostnames(listenHost: string): string[] {
  if (listenHost === '0.0.0.0' || listenHost === '::') {
    return LOOPBACK_HOSTNAMES;
  }
  const named = isIP(listenHost) === 6 ? `[${listenHost}]` : listenHost;
  return LOOPBACK_HOSTNAMES.includes(named) ? LOOPBACK_HOSTNAMES : [...LOOPBACK_HOSTNAMES, named];
}

/**
 * DNS rebinding protection for /mcp: a web page whose name was re-pointed at 127.0.0.1 sends its
 * own name as Host and its own origin as Origin. Host is checked by the MCP SDK's middleware (the
 * transport's own allowedHosts option is deprecated in favour of it); Origin, for which the SDK has
 * no middleware, must be absent (a non-browser client) or an http(s) origin on an allowed host.
 */
export function mcpRebindingProtection(hostnames: string[]): Middleware[] {
  return [hostHeaderValidation(hostnames), originValidation(hostnames)];
}

function originValidation(hostnames: string[]): Middleware {
  return (req, res, next) => {
    const origin: string | undefined = req.headers.origin;
    if (origin === undefined || isAllowedOrigin(origin, hostnames)) {
      next();
      return;
    }
    res.status(403).json({
      jsonrpc: '2.0',
      error: {
        code: -32000,
        message: `Invalid Origin: ${origin} (allowed: no Origin, or an http(s) origin on ${hostnames.join(', ')})`,
      },
      id: null,
    });
  };
}

function isAllowedOrigin(origin: string, hostnames: string[]): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // e.g. "null", sent by sandboxed frames and file:// pages
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && hostnames.includes(url.hostname);
}

/** Digests of equal length, so that timingSafeEqual compares tokens of any length in constant time. */
const digest = (value: string) => createHash('sha256').update(value).digest();

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
function bearerToken(header: unknown): string | undefined {
  if (typeof header !== 'string') {
    return undefined;
  }
  const space = header.indexOf(' ');
  const scheme = space < 0 ? header : header.slice(0, space);
  return scheme.toLowerCase() === 'bearer' && space > 0 ? header.slice(space + 1).trim() : undefined;
}

/**
 * Guards the fault-injection routes: they can stop the memory service (maintenance mode) and
 * flood PostgreSQL, so only a caller holding the token the stack generated may use them. Without
 * a configured token the routes are disabled rather than open.
 */
export function requireAdminToken(token: string | undefined): Middleware {
  const expected = token ? digest(token) : undefined;
  return (req, res, next) => {
    if (!expected) {
      res.status(403).json({
        error:
          'fault injection is disabled: start the demo with DEMO_ADMIN_TOKEN set (scripts/stack.sh generates one and exports it with `scripts/stack.sh env`)',
      });
      return;
    }
    const given = bearerToken(req.headers.authorization);
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer realm="demo admin"')
        .json({
          error: `${given === undefined ? 'missing' : 'wrong'} admin token: send Authorization: Bearer <DEMO_ADMIN_TOKEN> (eval "$(scripts/stack.sh env)" exports it)`,
        });
      return;
    }
    next();
  };
}
