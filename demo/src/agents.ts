import type { MemoryTelemetry } from '@memstack/telemetry';

/** Questions and facts that exercise every query pattern of the guide's classifier. */
export const QUERIES = [
  'why does the vector search return an error after the reindex',
  'there is a bug in the cache invalidation',
  'implement a graph store for entity links',
  'create a new collection for the research notes',
  'what did the user say about TypeScript',
  'how are deployments configured',
  'fix the redis timeout in the cache layer',
  'resolve the duplicate memories',
  'verify the relevance threshold for search',
  'check which tests cover consolidation',
  'favourite editor and keyboard layout',
];

export const FACTS = [
  'prefers TypeScript with strict mode for new services',
  'deploys the memory API behind nginx on port 8000',
  'the postgres audit table was vacuumed last week',
  'asked how to fix the redis timeout error in the cache layer',
  'wants tests to verify the search relevance threshold',
  'is implementing a graph store on neo4j for entity links',
  'uses Grafana dashboards to watch memory latency',
  'keeps research notes about retrieval augmented generation',
];

const AGENT_TYPES = ['coding', 'research', 'support'] as const;

interface Agent {
  id: string;
  type: string;
  userId: string;
  inSession: boolean;
  contextBytes: number;
  samples: Array<{ timestamp: number; bytes: number }>;
  knownIds: string[];
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];

/**
 * Simulated agents of several types driving the memory API over HTTP (and MCP) at a steady
 * rate: add, search, update, delete, consolidate; sessions, context size and its growth,
 * decision confidence are recorded as an agent runtime would.
 */
export class AgentSimulation {
  private readonly agents: Agent[];
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly telemetry: MemoryTelemetry,
    count: number,
    private readonly opsPerSecond: number
  ) {
    this.agents = Array.from({ length: count }, (_, i) => {
      const type = AGENT_TYPES[i % AGENT_TYPES.length];
      const userId = `u-${i + 1}`;
      return { id: `${type}:${userId}`, type, userId, inSession: false, contextBytes: 0, samples: [], knownIds: [] };
    });
  }

  start(): void {
    this.timer = setInterval(() => {
      // Back-pressure: a slow or failing backend must not pile up unbounded requests.
      if (this.inFlight < 50) {
        this.inFlight++;
        void this.step().finally(() => this.inFlight--);
      }
    }, 1000 / this.opsPerSecond);
  }

  stop(): void {
    if (this.timer) {
      clearInterval(this.timer);
    }
  }

  private async call(method: string, path: string, body?: unknown): Promise<any> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body ? { 'Content-Type': 'application/json' } : undefined,
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(10_000),
    });
    return response.json().catch(() => undefined);
  }

  private updateSessions(agent: Agent): void {
    if (!agent.inSession || Math.random() < 0.02) {
      agent.inSession = !agent.inSession || Math.random() < 0.5;
      agent.contextBytes = agent.inSession ? 512 : 0;
      agent.samples = [];
    }
    for (const type of AGENT_TYPES) {
      this.telemetry.setActiveSessions(type, this.agents.filter((a) => a.type === type && a.inSession).length);
    }
  }

  private grow(agent: Agent, bytes: number): void {
    agent.contextBytes += bytes;
    agent.samples.push({ timestamp: Date.now(), bytes: agent.contextBytes });
    if (agent.samples.length > 60) {
      agent.samples.shift();
    }
    this.telemetry.setContextSize(agent.id, agent.type, agent.contextBytes);
    this.telemetry.updateContextGrowth(agent.id, agent.samples);
  }

  async step(): Promise<void> {
    const agent = pick(this.agents);
    this.updateSessions(agent);
    const who = { user_id: agent.userId, agent_id: agent.id, agent_type: agent.type };
    const roll = Math.random();
    try {
      if (roll < 0.3 || agent.knownIds.length < 2) {
        const fact = pick(FACTS);
        const added = await this.call('POST', '/memories', {
          ...who,
          messages: [{ role: 'user', content: `${agent.userId} ${fact}` }],
        });
        for (const item of Array.isArray(added) ? added : []) {
          agent.knownIds.push(item.id);
        }
        agent.knownIds = agent.knownIds.slice(-20);
        this.grow(agent, fact.length);
      } else if (roll < 0.72) {
        const query = pick(QUERIES);
        const found = await this.call('POST', '/memories/search', { ...who, query });
        const top = found?.results?.[0]?.score;
        this.telemetry.trackDecisionConfidence(
          agent.type,
          'memory_recall',
          typeof top === 'number' ? Math.min(1, top) : 0
        );
        this.telemetry.trackDecisionConfidence(agent.type, 'tool_choice', 0.5 + Math.random() * 0.5);
        this.grow(agent, query.length + JSON.stringify(found?.results ?? []).length);
      } else if (roll < 0.8) {
        await this.call('PUT', `/memories/${pick(agent.knownIds)}`, {
          ...who,
          text: `${agent.userId} ${pick(FACTS)} (updated)`,
        });
      } else if (roll < 0.85) {
        const id = agent.knownIds.splice(Math.floor(Math.random() * agent.knownIds.length), 1)[0];
        await this.call('DELETE', `/memories/${id}?user_id=${agent.userId}&agent_id=${encodeURIComponent(agent.id)}`);
      } else if (roll < 0.88) {
        await this.call('POST', '/memories/consolidate', who);
      } else if (roll < 0.92) {
        await this.call('GET', `/memories?user_id=${agent.userId}&agent_id=${encodeURIComponent(agent.id)}`);
      } else if (roll < 0.95) {
        await this.call(
          'GET',
          `/memories/${pick(agent.knownIds)}/history?user_id=${agent.userId}&agent_id=${encodeURIComponent(agent.id)}`
        );
      } else if (roll < 0.98) {
        // Another agent may have deleted it meanwhile: mem0 then answers "not found", a real error path.
        await this.call(
          'GET',
          `/memories/${pick(agent.knownIds)}?user_id=${agent.userId}&agent_id=${encodeURIComponent(agent.id)}`
        );
      } else {
        await this.mcpSearch(agent, pick(QUERIES));
      }
    } catch {
      // A failed request is visible in the service's own metrics and events; the agent goes on.
    }
  }

  private async mcpSearch(agent: Agent, query: string): Promise<void> {
    await fetch(`${this.baseUrl}/mcp`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'search_memory', arguments: { user_id: agent.userId, agent_id: agent.id, query } },
      }),
      signal: AbortSignal.timeout(10_000),
    }).then((r) => r.text());
  }
}
