import { OTHER_LABEL_VALUE, type MemoryTelemetry } from '@memstack/telemetry';
import { noFaults, type DemoFaults } from './faults.js';

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
  turn: number;
  /** An agent does one thing at a time: its next step waits for the last one to finish. */
  busy: boolean;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];

/** Agents come back to a few questions far more often than to the rest (Zipf-like, s = 1). */
const ZIPF_WEIGHTS = QUERIES.map((_, i) => 1 / (i + 1));
const ZIPF_TOTAL = ZIPF_WEIGHTS.reduce((a, b) => a + b, 0);
function pickQuery(): string {
  let roll = Math.random() * ZIPF_TOTAL;
  for (let i = 0; i < QUERIES.length; i++) {
    roll -= ZIPF_WEIGHTS[i];
    if (roll <= 0) {
      return QUERIES[i];
    }
  }
  return QUERIES[QUERIES.length - 1];
}

/**
 * Keeps the ids an add returned, once each: mem0 answers a fact it already holds with the
 * existing memory, and a second copy of its id would outlive the memory's deletion.
 */
function remember(agent: Agent, added: unknown): void {
  for (const item of Array.isArray(added) ? added : []) {
    if (typeof item?.id === 'string' && !agent.knownIds.includes(item.id)) {
      agent.knownIds.push(item.id);
    }
  }
  agent.knownIds = agent.knownIds.slice(-20);
}

/** The query string that scopes a request to the agent's own memories. */
const ownerQuery = (agent: Agent) => `user_id=${agent.userId}&agent_id=${encodeURIComponent(agent.id)}`;

/** A runaway agent appends this much per step (a tool loop pasting whole documents back). */
const RUNAWAY_BYTES_PER_STEP = 64 * 1024;

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
    private readonly opsPerSecond: number,
    private readonly faults: DemoFaults = noFaults({}),
    /** The agents (of 0 … count−1) this process simulates: a cluster's worker runs its share. */
    indexes: readonly number[] = Array.from({ length: count }, (_, i) => i)
  ) {
    this.agents = indexes.map((i) => {
      const type = AGENT_TYPES[i % AGENT_TYPES.length];
      const userId = `u-${i + 1}`;
      return {
        id: `${type}:${userId}`,
        type,
        userId,
        inSession: false,
        contextBytes: 0,
        samples: [],
        knownIds: [],
        turn: 0,
        busy: false,
      };
    });
  }

  start(): void {
    if (this.agents.length === 0 || !(this.opsPerSecond > 0)) {
      return; // a worker with no agent of its own (more workers than agents)
    }
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
    if (agent.busy) {
      return;
    }
    agent.busy = true;
    try {
      await this.stepOf(agent);
    } finally {
      agent.busy = false;
    }
  }

  private async stepOf(agent: Agent): Promise<void> {
    this.updateSessions(agent);
    const who = { user_id: agent.userId, agent_id: agent.id, agent_type: agent.type };
    if (this.faults.contextRunaway === '*' && this.telemetry.agentIdLabel(agent.id) !== OTHER_LABEL_VALUE) {
      this.faults.contextRunaway = agent.id; // one whose own series shows it (not folded into __other__)
    }
    if (this.faults.contextRunaway === agent.id) {
      this.grow(agent, RUNAWAY_BYTES_PER_STEP);
    }
    // A read-heavy mix, as agents recall far more often than they store.
    const roll = Math.random();
    try {
      if (agent.knownIds.length < 2) {
        await this.reload(agent);
      }
      if (this.faults.churnStorm && roll < 0.8 && agent.knownIds.length >= 2) {
        await this.churn(agent, who, roll < 0.7 ? 'corrected' : undefined);
      } else if (this.faults.repeatedFacts && (roll < 0.15 || agent.knownIds.length < 2)) {
        // Every fact the agent stores is word for word what it stored first, said twice: mem0
        // skips it and the add stores nothing (the first may store it again where a correction or
        // a merge had rewritten it). It takes the place of the agent's own adds (below), so
        // searches keep their rate.
        for (let turn = 0; turn < 2; turn++) {
          const added = await this.call('POST', '/memories', {
            ...who,
            messages: [{ role: 'user', content: `${agent.userId} ${FACTS[0]}` }],
          });
          remember(agent, added);
        }
      } else if (this.faults.duplicateFlood && roll < 0.5) {
        // The same fact restated on every turn (mem0 merges exact repeats, not restatements):
        // duplicates pile up faster than consolidation merges them.
        const added = await this.call('POST', '/memories', {
          ...who,
          messages: Array.from({ length: 5 }, () => ({
            role: 'user',
            content: `${agent.userId} ${FACTS[0]} (again, turn ${++agent.turn})`,
          })),
        });
        remember(agent, added);
      } else if (roll < 0.15 || agent.knownIds.length < 2) {
        const fact = pick(FACTS);
        const added = await this.call('POST', '/memories', {
          ...who,
          messages: [{ role: 'user', content: `${agent.userId} ${fact}` }],
        });
        remember(agent, added);
        this.grow(agent, fact.length);
      } else if (roll < 0.75) {
        // Now and then an agent pastes a whole document into a search (the service refuses it).
        const query = Math.random() < 0.01 ? pickQuery().repeat(100) : pickQuery();
        const found = await this.call('POST', '/memories/search', { ...who, query });
        const top = found?.results?.[0]?.score;
        this.telemetry.trackDecisionConfidence(
          agent.type,
          'memory_recall',
          typeof top === 'number' ? Math.min(1, top) : 0
        );
        this.telemetry.trackDecisionConfidence(agent.type, 'tool_choice', 0.5 + Math.random() * 0.5);
        this.grow(agent, query.length + JSON.stringify(found?.results ?? []).length);
      } else if (roll < 0.77) {
        await this.churn(agent, who, 'updated');
      } else if (roll < 0.78) {
        await this.churn(agent, who);
      } else if (roll < 0.81) {
        if (this.faults.duplicateFlood && Math.random() < 0.9) {
          return; // consolidation falls behind: most runs are skipped
        }
        const result = await this.call('POST', '/memories/consolidate', who);
        // Memories merged away are gone: an agent that kept their ids would ask for deleted memories.
        const merged = new Set<string>(Array.isArray(result?.mergedIds) ? result.mergedIds : []);
        agent.knownIds = agent.knownIds.filter((id) => !merged.has(id));
      } else if (roll < 0.89) {
        await this.reload(agent);
      } else if (roll < 0.93) {
        await this.call('GET', `/memories/${pick(agent.knownIds)}/history?${ownerQuery(agent)}`);
      } else if (roll < 0.97) {
        // Another agent may have deleted it meanwhile: mem0 then answers "not found", a real error path.
        await this.call('GET', `/memories/${pick(agent.knownIds)}?${ownerQuery(agent)}`);
      } else {
        await this.mcpSearch(agent, pickQuery());
      }
    } catch {
      // A failed request is visible in the service's own metrics and events; the agent goes on.
    }
  }

  /**
   * An agent that has lost track of its memories (deleted, merged away, or never seen because an
   * add found them already stored) lists them, as one does at the start of a session. Without it,
   * an agent whose adds store nothing would add forever and never search again.
   */
  private async reload(agent: Agent): Promise<void> {
    const listed = await this.call('GET', `/memories?${ownerQuery(agent)}`);
    remember(agent, listed);
  }

  /**
   * Rewrites one memory the agent stored with another fact, marked with `rewrite` ("updated",
   * "corrected"), or without `rewrite` forgets (deletes) it.
   */
  private async churn(agent: Agent, who: Record<string, string>, rewrite?: string): Promise<void> {
    const id = pick(agent.knownIds);
    if (rewrite) {
      await this.call('PUT', `/memories/${id}`, { ...who, text: `${agent.userId} ${pick(FACTS)} (${rewrite})` });
      return;
    }
    agent.knownIds = agent.knownIds.filter((known) => known !== id);
    await this.call('DELETE', `/memories/${id}?${ownerQuery(agent)}`);
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
