import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { MemoryTelemetry } from '@memstack/telemetry';
import { InMemoryStore } from './memoryStore.js';

/**
 * Demo memory service: simulated agents of several types add, search, update and delete
 * memories; every operation is recorded through @memstack/telemetry and served on /metrics for
 * Prometheus to scrape.
 */
const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.DEMO_PORT ?? '9464' },
    rate: { type: 'string', default: process.env.DEMO_RATE ?? '20' },
    'error-rate': { type: 'string', default: process.env.DEMO_ERROR_RATE ?? '0.02' },
  },
});
const port = Number(args.port);
const opsPerSecond = Math.max(1, Number(args.rate));
const errorRate = Math.min(1, Math.max(0, Number(args['error-rate'])));

const AGENTS = [
  { type: 'coding', users: ['u-ada', 'u-linus'] },
  { type: 'research', users: ['u-grace'] },
  { type: 'support', users: ['u-ken', 'u-barbara'] },
];
const FACTS = [
  'prefers TypeScript with strict mode for new services',
  'deploys the memory API behind nginx on port 8000',
  'the postgres vector index was rebuilt last week',
  'asked how to fix the redis timeout error in the cache layer',
  'wants tests to verify the search relevance threshold',
  'is implementing a graph store on neo4j for entity links',
];

const telemetry = new MemoryTelemetry({ logger: (m) => process.stderr.write(`${m}\n`) });
const store = new InMemoryStore();
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];

/** Runs one operation, timing the real work plus a simulated backend round trip. */
async function operation(name: string, agentType: string, work: () => void): Promise<void> {
  const started = performance.now();
  let status: 'success' | 'error' = 'success';
  try {
    await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * (name === 'search' ? 60 : 25)));
    if (Math.random() < errorRate) {
      throw new Error('ConnectionError: vector store did not answer');
    }
    work();
  } catch {
    status = 'error';
  }
  telemetry.recordOperation(name, agentType, status, (performance.now() - started) / 1000);
}

async function agentStep(): Promise<void> {
  const agent = pick(AGENTS);
  const userId = pick(agent.users);
  const roll = Math.random();
  if (roll < 0.35 || store.size < 10) {
    await operation('add', agent.type, () => store.add(userId, pick(FACTS)));
  } else if (roll < 0.85) {
    await operation('search', agent.type, () => {
      const hits = store.search(userId, pick(FACTS));
      for (const hit of hits) {
        telemetry.metrics.relevanceScore.observe({ agent_type: agent.type }, hit.score);
      }
    });
  } else if (roll < 0.95) {
    await operation('update', agent.type, () => {
      const id = store.anyId(userId);
      if (id) {
        store.update(id, pick(FACTS));
      }
    });
  } else {
    await operation('delete', agent.type, () => {
      const id = store.anyId(userId);
      if (id) {
        store.delete(id);
      }
    });
  }
}

const timer = setInterval(() => void agentStep(), 1000 / opsPerSecond);

const server = createServer((req, res) => {
  if (req.url === '/metrics') {
    telemetry.exposition().then(
      ({ contentType, body }) => {
        res.writeHead(200, { 'Content-Type': contentType });
        res.end(body);
      },
      (error: Error) => {
        res.writeHead(500);
        res.end(error.message);
      }
    );
    return;
  }
  if (req.url === '/health') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', memories: store.size }));
    return;
  }
  res.writeHead(404);
  res.end('not found: try /metrics or /health\n');
});

server.listen(port, '127.0.0.1', () => {
  process.stderr.write(`demo memory service: ${opsPerSecond} ops/s, metrics on http://127.0.0.1:${port}/metrics\n`);
});

function stop(): void {
  clearInterval(timer);
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
