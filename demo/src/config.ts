import { isIP } from 'node:net';
import { parseArgs } from 'node:util';

/**
 * Where the demo listens unless told otherwise: loopback, so that a demo started on a workstation
 * is not reachable from the network. In a container loopback is the container's own, and nothing
 * else (Prometheus, the compose health check's peers) reaches it: docker-compose.yml sets
 * DEMO_HOST=0.0.0.0 (tests/netns/demo-netns.sh proves it from another network namespace).
 */
export const DEFAULT_LISTEN_HOST = '127.0.0.1';

/** Command line and environment of the demo; every URL defaults to the local stack (scripts/lib.sh). */
export interface DemoConfig {
  /** The address the HTTP server (REST, /mcp, /health, /metrics) binds: an IP literal or localhost. */
  host: string;
  port: number;
  /** Agent operations per second across all simulated agents. */
  rate: number;
  /** Simulated agents; more than `agentIdCap` makes the agent_id cap fold values. */
  agents: number;
  agentIdCap: number;
  /** Extra latency added to one backend's calls, e.g. `neo4j:1500` (also settable at run time). */
  latency: Record<string, number>;
  healthIntervalMs: number;
  redisUrl: string;
  postgresUrl: string;
  neo4jUrl: string;
  elasticsearchUrl: string;
  otlpUrl: string;
  prometheusUrl: string;
  jaegerUrl: string;
}

export function parseLatency(spec: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (spec ?? '').split(',').filter(Boolean)) {
    const [service, ms] = part.split(':');
    const value = Number(ms);
    if (!service || !Number.isFinite(value) || value < 0) {
      throw new Error(`--latency ${part}: expected <service>:<milliseconds>, e.g. neo4j:1500`);
    }
    out[service] = value;
  }
  return out;
}

export function readConfig(argv = process.argv.slice(2), env = process.env): DemoConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: env.DEMO_HOST || DEFAULT_LISTEN_HOST },
      port: { type: 'string', default: env.DEMO_PORT ?? '8000' },
      rate: { type: 'string', default: env.DEMO_RATE ?? '20' },
      agents: { type: 'string', default: env.DEMO_AGENTS ?? '10' },
      'agent-id-cap': { type: 'string', default: env.DEMO_AGENT_ID_CAP ?? '8' },
      latency: { type: 'string', default: env.DEMO_LATENCY ?? '' },
      'health-interval': { type: 'string', default: env.DEMO_HEALTH_INTERVAL_MS ?? '5000' },
    },
  });
  const number = (name: string, raw: string | undefined, min: number) => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) {
      throw new Error(`--${name} ${raw}: expected a number >= ${min}`);
    }
    return n;
  };
  return {
    host: listenHost(values.host),
    port: number('port', values.port, 1),
    rate: number('rate', values.rate, 0.1),
    agents: Math.floor(number('agents', values.agents, 1)),
    agentIdCap: Math.floor(number('agent-id-cap', values['agent-id-cap'], 1)),
    latency: parseLatency(values.latency),
    healthIntervalMs: number('health-interval', values['health-interval'], 500),
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    postgresUrl: env.POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/mem0',
    neo4jUrl: env.NEO4J_URL ?? 'bolt://127.0.0.1:7687',
    elasticsearchUrl: env.ES_URL ?? 'http://127.0.0.1:9200',
    otlpUrl: env.JAEGER_OTLP_HTTP_URL ?? 'http://127.0.0.1:4318',
    prometheusUrl: env.PROMETHEUS_URL ?? 'http://127.0.0.1:9090',
    jaegerUrl: env.JAEGER_URL ?? 'http://127.0.0.1:16686',
  };
}

function listenHost(raw: string | undefined): string {
  const host = (raw ?? '').trim();
  if (host !== 'localhost' && isIP(host) === 0) {
    throw new Error(`--host ${raw}: expected an IP address to listen on, e.g. 127.0.0.1 or 0.0.0.0 (in a container)`);
  }
  return host;
}

/**
 * The demo's own base URL, for the calls it makes to itself (its health checks of /health and /mcp,
 * and the simulated agents): a wildcard address is not one to connect to, its loopback is.
 */
export function selfUrl(config: Pick<DemoConfig, 'host' | 'port'>): string {
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host === '::' ? '::1' : config.host;
  return `http://${isIP(host) === 6 ? `[${host}]` : host}:${config.port}`;
}
