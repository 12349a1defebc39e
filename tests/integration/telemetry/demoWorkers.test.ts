/**
 * The demo with DEMO_WORKERS=3 (a Node cluster), started here from this tree on a free loopback
 * port against the stack's databases (`scripts/stack.sh env`; Elasticsearch and Jaeger left out,
 * so that nothing of this run lands in the stack's indices): its one /metrics counts the requests
 * every worker took, its breakers are one series per worker, a memory written through one worker
 * is read through the others (one shared store), a fault request reaches every worker, and a
 * worker killed and replaced takes nothing from the counters.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { eventually, stackUrl } from '../env';

jest.setTimeout(180_000);

const repo = path.resolve(__dirname, '../../..');
const TOKEN = 'test-admin-token-workers-0123456789';
const WORKERS = 3;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** One request on a connection of its own, so that the cluster hands each to the next worker. */
function request(
  url: string,
  options: { method?: string; body?: unknown; token?: boolean } = {}
): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { Connection: 'close' };
  if (options.token) {
    headers.Authorization = `Bearer ${TOKEN}`;
  }
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(15_000, () => req.destroy(new Error(`${url}: no answer within 15 s`)));
    req.on('error', reject);
    req.end(options.body === undefined ? undefined : JSON.stringify(options.body));
  });
}

/** The value of each sample line starting with `prefix` (an exposition line up to its value). */
async function scrape(url: string): Promise<string> {
  const { status, body } = await request(`${url}/metrics`);
  expect(status).toBe(200);
  return body;
}

const value = (body: string, series: string) => {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
};

const ADMIN_GETS = 'http_requests_total{method="GET",endpoint="/admin/faults",status="200"}';

let demo: ChildProcess;
let url: string;
const log: string[] = [];
const occurrences = (text: string) => log.join('').split(text).length - 1;

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    POSTGRES_URL: stackUrl('POSTGRES_URL'),
    REDIS_URL: stackUrl('REDIS_URL'),
    NEO4J_URL: stackUrl('NEO4J_URL'),
    ES_URL: 'http://127.0.0.1:9',
    JAEGER_OTLP_HTTP_URL: 'http://127.0.0.1:9',
    DEMO_PORT: String(port),
    DEMO_HOST: '127.0.0.1',
    DEMO_WORKERS: String(WORKERS),
    DEMO_ADMIN_TOKEN: TOKEN,
    // One slow agent per worker: the simulation is not under test, and the machine is shared.
    DEMO_AGENTS: String(WORKERS),
    DEMO_RATE: '0.3',
    DEMO_HEALTH_INTERVAL_MS: '60000',
  };
  demo = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: path.join(repo, 'demo'),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  demo.stdout?.on('data', (chunk) => log.push(String(chunk)));
  demo.stderr?.on('data', (chunk) => log.push(String(chunk)));
  try {
    await eventually(
      async () => {
        if (demo.exitCode !== null) {
          throw new Error(`the demo exited (${demo.exitCode})`);
        }
        return occurrences('memory service ready') === WORKERS ? true : undefined;
      },
      120_000,
      `the ${WORKERS} workers of the demo to be ready`
    );
  } catch (error) {
    demo.kill('SIGTERM');
    throw new Error(`${(error as Error).message}\n${log.join('').slice(-3000)}`);
  }
});

afterAll(async () => {
  if (demo && demo.exitCode === null && demo.signalCode === null) {
    const exited = new Promise((resolve) => demo.once('exit', resolve));
    demo.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 15_000)))]);
    clearTimeout(timer);
    if (demo.exitCode === null && demo.signalCode === null) {
      demo.kill('SIGKILL');
    }
  }
});

it('counts on its one /metrics the requests every worker took, and keeps one breaker series per worker', async () => {
  // Nothing but this test calls GET /admin/faults.
  for (let i = 0; i < 9; i++) {
    expect((await request(`${url}/admin/faults`, { token: true })).status).toBe(200);
  }
  for (let i = 0; i < WORKERS; i++) {
    const body = await scrape(url);
    expect(value(body, ADMIN_GETS)).toBe(9);
    for (let worker = 0; worker < WORKERS; worker++) {
      expect(value(body, `circuit_breaker_state{service_name="neo4j",worker="${worker}"}`)).toEqual(expect.any(Number));
    }
    expect(value(body, 'circuit_breaker_state{service_name="neo4j"}')).toBeUndefined();
  }
});

it('reads through every worker a memory written through one: the workers share one store', async () => {
  const who = { user_id: 'cluster-a', agent_id: 'coding:cluster-a' };
  const added = await request(`${url}/memories`, {
    method: 'POST',
    body: { ...who, text: `cluster-a keeps notes in markdown ${Date.now()}` },
  });
  expect(added.status).toBe(200);
  const [{ id }] = JSON.parse(added.body);
  for (let i = 0; i < 2 * WORKERS; i++) {
    const read = await request(
      `${url}/memories/${id}?user_id=${who.user_id}&agent_id=${encodeURIComponent(who.agent_id)}`
    );
    expect([i, read.status]).toEqual([i, 200]);
  }
});

it('applies a fault request in every worker', async () => {
  const set = await request(`${url}/admin/faults`, { method: 'POST', body: { maintenance: true }, token: true });
  expect(set.status).toBe(200);
  await eventually(
    async () => {
      const body = await scrape(url);
      const levels = Array.from({ length: WORKERS }, (_, w) =>
        value(body, `service_degradation_level{service_name="memory-api",worker="${w}"}`)
      );
      return levels.every((level) => level === 4) ? true : undefined;
    },
    10_000,
    'maintenance (4) in every worker'
  );
  expect((await request(`${url}/admin/faults`, { method: 'POST', body: { reset: true }, token: true })).status).toBe(
    200
  );
});

it('replaces a killed worker in its slot without taking anything from the counters', async () => {
  const before = value(await scrape(url), ADMIN_GETS)!;
  // A worker: a child running the demo's own script (tsx may have children of its own, esbuild's).
  const [victim] = execFileSync('pgrep', ['-P', String(demo.pid)], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('src/main.ts'));
  expect(victim).toBeDefined();
  process.kill(Number(victim), 'SIGKILL');
  await eventually(
    async () => (occurrences('starting another in its slot') === 1 ? true : undefined),
    10_000,
    'the exit'
  );
  await eventually(
    async () => (occurrences('memory service ready') === WORKERS + 1 ? true : undefined),
    90_000,
    'the replacement to be ready'
  );
  const body = await scrape(url);
  expect(value(body, ADMIN_GETS)).toBe(before);
  for (let worker = 0; worker < WORKERS; worker++) {
    expect(value(body, `circuit_breaker_state{service_name="neo4j",worker="${worker}"}`)).toEqual(expect.any(Number));
  }
});
