import { createRequire } from 'node:module';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { expressHttpMetrics, metricsHandler, type HealthChecker, type MemoryTelemetry } from '@memstack/telemetry';
import { z } from 'zod';
import { BackendTimeoutError, BackendUnavailableError } from './breakers.js';
import { applyFaultRequest, failRequestIfFaulted, type DemoFaults } from './faults.js';
import { mcpRebindingProtection, requireAdminToken } from './access.js';
import {
  MaintenanceError,
  MemoryNotFoundError,
  QueryTooLongError,
  type Caller,
  type MemoryService,
} from './memoryService.js';

// Loaded with require() after tracing is set up, so that the HTTP server is instrumented.
const require = createRequire(import.meta.url);

function caller(source: Record<string, unknown>): Caller {
  const userId = typeof source.user_id === 'string' ? source.user_id : '';
  const agentId = typeof source.agent_id === 'string' ? source.agent_id : `unknown:${userId}`;
  const agentType = typeof source.agent_type === 'string' ? source.agent_type : (agentId.split(':')[0] ?? 'unknown');
  if (!userId) {
    throw new BadRequest('user_id is required');
  }
  return { userId, agentId, agentType };
}

class BadRequest extends Error {}

function statusOf(error: unknown): number {
  if (error instanceof BadRequest || error instanceof QueryTooLongError) {
    return 400;
  }
  if (error instanceof MaintenanceError || error instanceof BackendUnavailableError) {
    return 503;
  }
  if (error instanceof BackendTimeoutError) {
    return 504;
  }
  if (error instanceof MemoryNotFoundError || /not found/i.test((error as Error)?.message ?? '')) {
    return 404;
  }
  return 500;
}

/** Who may reach the routes that need more than a user_id. */
export interface ApiAccess {
  /** Bearer token of /admin/faults; undefined disables it. */
  adminToken: string | undefined;
  /** Host names /mcp answers to (access.ts allowedHostnames). */
  mcpHostnames: string[];
}

/** What a worker of a cluster changes in the API (cluster.ts). */
export interface ApiCluster {
  /** The /metrics handler: the cluster's merged series instead of this process's. */
  metrics?: (req: any, res: any) => void;
  /** Called with each fault request this process applied, to apply it in the other workers too. */
  onFaults?: (body: Record<string, unknown>) => void;
}

/**
 * Applies one /admin/faults request (DemoFaults, maintenance, `reset`) to this process; throws
 * BadRequest for an invalid one. Also what a cluster's other workers run for a relayed request.
 */
export async function applyAdminFaults(service: MemoryService, faults: DemoFaults, body: Record<string, unknown>) {
  try {
    applyFaultRequest(faults, body);
  } catch (error) {
    throw new BadRequest((error as Error).message);
  }
  if (body.reset === true) {
    service.maintenance = false;
  }
  if (typeof body.maintenance === 'boolean') {
    service.maintenance = body.maintenance;
  }
  service.updateDegradation();
  faults.pgConnectionFlood = await service.holdConnections(faults.pgConnectionFlood);
  return { ...faults, maintenance: service.maintenance };
}

/** The memory service's HTTP API: REST for agents, /mcp for MCP clients, /health and /metrics. */
export function createApp(
  service: MemoryService,
  telemetry: MemoryTelemetry,
  health: () => HealthChecker | undefined,
  faults: DemoFaults,
  access: ApiAccess,
  inCluster: ApiCluster = {}
) {
  const express = require('express');
  const app = express();
  app.use(expressHttpMetrics(telemetry));
  app.use(express.json({ limit: '1mb' }));

  const handle = (fn: (req: any) => Promise<unknown>) => async (req: any, res: any) => {
    try {
      res.json(await fn(req));
    } catch (error) {
      const status = statusOf(error);
      // Every 404 reads the same, whether mem0 has no such id or it is another user's: the answer
      // must not tell a caller which ids exist.
      const shown = status === 404 ? new MemoryNotFoundError() : (error as Error);
      res.status(status).json({ error: shown.message, type: shown.name });
    }
  };
  // The memory routes, which the `httpErrorRate` fault can answer with a 500 (HighHttpErrorRate);
  // inside the route, so that the HTTP metrics label the request with its route template.
  const memoryRoute = (fn: (req: any) => Promise<unknown>) =>
    handle(async (req) => {
      failRequestIfFaulted(faults);
      return fn(req);
    });

  app.get('/metrics', inCluster.metrics ?? metricsHandler(telemetry));
  app.get('/health', async (_req: any, res: any) => {
    const last = health()?.last;
    res.json({ status: service.maintenance ? 'maintenance' : 'ok', health: last ?? null });
  });

  app.post(
    '/memories',
    memoryRoute((req) =>
      service.add(caller(req.body ?? {}), req.body.messages ?? [{ role: 'user', content: String(req.body.text ?? '') }])
    )
  );
  app.post(
    '/memories/search',
    memoryRoute((req) =>
      service.search(caller(req.body ?? {}), String(req.body.query ?? ''), Number(req.body.limit ?? 5))
    )
  );
  app.post(
    '/memories/consolidate',
    memoryRoute((req) => service.consolidate(caller(req.body ?? {})))
  );
  app.get(
    '/memories',
    memoryRoute((req) => service.getAll(caller(req.query)))
  );
  app.get(
    '/memories/:id',
    memoryRoute((req) => service.get(caller(req.query), req.params.id))
  );
  app.get(
    '/memories/:id/history',
    memoryRoute((req) => service.history(caller(req.query), req.params.id))
  );
  app.put(
    '/memories/:id',
    memoryRoute((req) =>
      service
        .update(caller(req.body ?? {}), req.params.id, String(req.body.text ?? ''))
        .then(() => ({ updated: req.params.id }))
    )
  );
  app.delete(
    '/memories/:id',
    memoryRoute((req) => service.delete(caller(req.query), req.params.id).then(() => ({ deleted: req.params.id })))
  );

  // Fault injection for demonstrations and tests (docs/runbooks.md lists which fault fires which
  // alert): latency per backend (or `mem0` for the memory calls), maintenance mode, and the rest
  // of DemoFaults. `{"reset":true}` clears them all.
  const faultState = () => ({ ...faults, maintenance: service.maintenance });
  const adminOnly = requireAdminToken(access.adminToken);
  app.get(
    '/admin/faults',
    adminOnly,
    handle(async () => faultState())
  );
  app.post(
    '/admin/faults',
    adminOnly,
    handle(async (req) => {
      const body = req.body ?? {};
      const state = await applyAdminFaults(service, faults, body);
      inCluster.onFaults?.(body);
      return state;
    })
  );

  app.post('/mcp', ...mcpRebindingProtection(access.mcpHostnames), async (req: any, res: any) => {
    // Stateless MCP: one server and transport per request, as the SDK recommends for this mode.
    const mcp = createMcpServer(service);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void mcp.close();
    });
    await mcp.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  return app;
}

function createMcpServer(service: MemoryService): McpServer {
  const mcp = new McpServer({ name: 'agentmemory-demo', version: '1.0.0' });
  // The SDK's generic tool types recurse too deeply for tsc with two zod majors in the tree;
  // the schemas below still validate every call at run time.
  const registerTool = mcp.registerTool.bind(mcp) as unknown as (
    name: string,
    config: { description: string; inputSchema: Record<string, z.ZodTypeAny> },
    handler: (args: Record<string, string | undefined>) => Promise<{ content: Array<{ type: 'text'; text: string }> }>
  ) => void;
  registerTool(
    'add_memory',
    {
      description: 'Remember a piece of information for a user',
      inputSchema: { user_id: z.string(), agent_id: z.string().optional(), text: z.string() },
    },
    async ({ user_id, agent_id, text }) => {
      const items = await service.add(caller({ user_id, agent_id: agent_id ?? `mcp:${user_id}` }), [
        { role: 'user', content: String(text) },
      ]);
      return { content: [{ type: 'text', text: JSON.stringify(items) }] };
    }
  );
  registerTool(
    'search_memory',
    {
      description: "Search a user's memories",
      inputSchema: { user_id: z.string(), agent_id: z.string().optional(), query: z.string() },
    },
    async ({ user_id, agent_id, query }) => {
      const found = await service.search(caller({ user_id, agent_id: agent_id ?? `mcp:${user_id}` }), String(query));
      return { content: [{ type: 'text', text: JSON.stringify(found.results) }] };
    }
  );
  return mcp;
}
