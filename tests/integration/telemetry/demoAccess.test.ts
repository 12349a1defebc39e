/**
 * The demo's access rules, over HTTP against real demo processes started here (on free loopback
 * ports, against the stack's databases from `scripts/stack.sh env`), so the code under test is
 * this tree's and not whatever demo the stack runs:
 *   - /admin/faults wants `Authorization: Bearer <DEMO_ADMIN_TOKEN>`, and is disabled without one;
 *   - a memory id is only usable by the user_id mem0 stored it for; others get the same 404 as for
 *     an id that does not exist;
 *   - /mcp refuses a foreign Host or Origin (DNS rebinding) and serves loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { eventually, stackUrl } from '../env';

jest.setTimeout(120_000);

const repo = path.resolve(__dirname, '../../..');
const TOKEN = 'test-admin-token-0123456789abcdef';

interface Demo {
  url: string;
  port: number;
  process: ChildProcess;
  log: string[];
}

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A demo process of this tree; a token of undefined leaves fault injection off. */
async function startDemo(adminToken: string | undefined): Promise<Demo> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Every backend of the running stack (a missing one is a set-up error, reported by stackUrl).
    POSTGRES_URL: stackUrl('POSTGRES_URL'),
    REDIS_URL: stackUrl('REDIS_URL'),
    NEO4J_URL: stackUrl('NEO4J_URL'),
    DEMO_PORT: String(port),
    DEMO_HOST: '127.0.0.1',
    // One slow agent: the simulation is not under test, and the machine is shared.
    DEMO_AGENTS: '1',
    DEMO_RATE: '0.1',
    DEMO_HEALTH_INTERVAL_MS: '60000',
  };
  delete env.DEMO_ADMIN_TOKEN;
  if (adminToken) {
    env.DEMO_ADMIN_TOKEN = adminToken;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: path.join(repo, 'demo'),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const demo: Demo = { url: `http://127.0.0.1:${port}`, port, process: child, log: [] };
  child.stdout?.on('data', (chunk) => demo.log.push(String(chunk)));
  child.stderr?.on('data', (chunk) => demo.log.push(String(chunk)));
  try {
    await eventually(
      async () => {
        if (hasExited(child)) {
          throw new Error(`the demo exited (${child.exitCode ?? child.signalCode})`);
        }
        return (await fetch(`${demo.url}/health`)).ok ? true : undefined;
      },
      60_000,
      `the demo on port ${port} to answer /health`
    );
    // The memory routes need mem0 and the backends connected ("memory service ready").
    await eventually(
      async () => (demo.log.join('').includes('memory service ready') ? true : undefined),
      60_000,
      'the demo to connect its backends'
    );
  } catch (error) {
    child.kill('SIGTERM');
    throw new Error(`${(error as Error).message}\n${demo.log.join('').slice(-2000)}`);
  }
  return demo;
}

async function stopDemo(demo: Demo | undefined): Promise<void> {
  if (!demo || hasExited(demo.process)) {
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const exited = new Promise((resolve) => demo.process.once('exit', resolve));
  demo.process.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 10_000)))]);
  clearTimeout(timer);
  if (!hasExited(demo.process)) {
    demo.process.kill('SIGKILL');
  }
}

/** A request with any Host and Origin (fetch does not let a caller set Host). */
function rawRequest(
  url: string,
  options: { method: string; headers: Record<string, string>; body?: string }
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: options.method, headers: options.headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

const json = (method: string, body?: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method,
  headers: { 'Content-Type': 'application/json', ...headers },
  body: body === undefined ? undefined : JSON.stringify(body),
});

let demo: Demo;
let unguarded: Demo | undefined;

beforeAll(async () => {
  demo = await startDemo(TOKEN);
});

afterAll(async () => {
  await Promise.all([stopDemo(demo), stopDemo(unguarded)]);
});

describe('/admin/faults wants the stack-generated token', () => {
  const faults = () => `${demo.url}/admin/faults`;

  it('answers 401 without a token, saying what is needed', async () => {
    const answer = await fetch(faults());
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toContain('Bearer');
    expect((await answer.json()).error).toContain('Authorization: Bearer <DEMO_ADMIN_TOKEN>');
    const post = await fetch(faults(), json('POST', { maintenance: true }));
    expect(post.status).toBe(401);
  });

  it('answers 401 to a wrong token, of any length, and to another scheme', async () => {
    for (const authorization of [`Bearer ${TOKEN}x`, 'Bearer short', `Basic ${TOKEN}`, `Bearer`]) {
      const answer = await fetch(faults(), json('POST', { maintenance: true }, { Authorization: authorization }));
      expect([authorization, answer.status]).toEqual([authorization, 401]);
    }
    // Nothing was applied by the refused requests.
    const state = await fetch(faults(), { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect((await state.json()).maintenance).toBe(false);
  });

  it('applies faults with the right token', async () => {
    const auth = { Authorization: `Bearer ${TOKEN}` };
    const set = await fetch(faults(), json('POST', { service: 'neo4j', latencyMs: 5 }, auth));
    expect(set.status).toBe(200);
    expect((await set.json()).latency.neo4j).toBe(5);
    const reset = await fetch(faults(), json('POST', { reset: true }, auth));
    expect(reset.status).toBe(200);
    expect((await reset.json()).latency).toEqual({});
  });

  it('is disabled, saying how to enable it, when the demo has no token', async () => {
    unguarded = await startDemo(undefined);
    const answer = await fetch(`${unguarded.url}/admin/faults`, json('POST', { maintenance: true }));
    expect(answer.status).toBe(403);
    expect((await answer.json()).error).toContain('DEMO_ADMIN_TOKEN');
    // Not even a guessed token opens it.
    const guessed = await fetch(`${unguarded.url}/admin/faults`, { headers: { Authorization: 'Bearer ' } });
    expect(guessed.status).toBe(403);
    await stopDemo(unguarded);
  });
});

describe('memory ids are scoped to the user_id mem0 stored them for', () => {
  const owner = { user_id: 'scope-a', agent_id: 'coding:scope-a' };
  const other = { user_id: 'scope-b', agent_id: 'coding:scope-b' };
  const query = (who: { user_id: string; agent_id: string }) =>
    `user_id=${encodeURIComponent(who.user_id)}&agent_id=${encodeURIComponent(who.agent_id)}`;
  let id: string;

  beforeAll(async () => {
    const added = await fetch(
      `${demo.url}/memories`,
      json('POST', { ...owner, text: `scope-a prefers tabs over spaces ${Date.now()}` })
    );
    expect(added.status).toBe(200);
    const items = await added.json();
    expect(items.length).toBeGreaterThan(0);
    id = items[0].id;
  });

  it("another user gets 404 for get, history, update and delete of A's memory", async () => {
    const get = await fetch(`${demo.url}/memories/${id}?${query(other)}`);
    const history = await fetch(`${demo.url}/memories/${id}/history?${query(other)}`);
    const update = await fetch(`${demo.url}/memories/${id}`, json('PUT', { ...other, text: 'overwritten by B' }));
    const remove = await fetch(`${demo.url}/memories/${id}?${query(other)}`, { method: 'DELETE' });
    expect([get.status, history.status, update.status, remove.status]).toEqual([404, 404, 404, 404]);
    // A's memory is untouched.
    const mine = await fetch(`${demo.url}/memories/${id}?${query(owner)}`);
    expect(mine.status).toBe(200);
    expect((await mine.json()).memory).toContain('scope-a prefers tabs');
  });

  it("answers an id that does not exist exactly like another user's id", async () => {
    const foreign = await fetch(`${demo.url}/memories/${id}?${query(other)}`);
    const missing = await fetch(`${demo.url}/memories/00000000-0000-4000-8000-000000000000?${query(other)}`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe(await foreign.text());
    const foreignPut = await fetch(`${demo.url}/memories/${id}`, json('PUT', { ...other, text: 'x' }));
    const missingPut = await fetch(
      `${demo.url}/memories/00000000-0000-4000-8000-000000000000`,
      json('PUT', { ...other, text: 'x' })
    );
    expect([missingPut.status, await missingPut.text()]).toEqual([foreignPut.status, await foreignPut.text()]);
  });

  it('refuses a memory id without a user_id', async () => {
    const anonymous = await fetch(`${demo.url}/memories/${id}`);
    expect(anonymous.status).toBe(400);
  });

  it('the owner can read, see the history of, update and delete it', async () => {
    const update = await fetch(
      `${demo.url}/memories/${id}`,
      json('PUT', { ...owner, text: 'scope-a prefers spaces now' })
    );
    expect(update.status).toBe(200);
    const read = await fetch(`${demo.url}/memories/${id}?${query(owner)}`);
    expect((await read.json()).memory).toBe('scope-a prefers spaces now');
    const history = await fetch(`${demo.url}/memories/${id}/history?${query(owner)}`);
    expect(history.status).toBe(200);
    expect((await history.json()).length).toBeGreaterThan(0);
    const remove = await fetch(`${demo.url}/memories/${id}?${query(owner)}`, { method: 'DELETE' });
    expect(remove.status).toBe(200);
    const gone = await fetch(`${demo.url}/memories/${id}?${query(owner)}`);
    expect(gone.status).toBe(404);
  });
});

describe('/mcp refuses DNS rebinding', () => {
  const listTools = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
  const mcp = (headers: Record<string, string>) =>
    rawRequest(`${demo.url}/mcp`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers },
      body: listTools,
    });

  it('403 for a foreign Host', async () => {
    const answer = await mcp({ Host: `evil.example:${demo.port}` });
    expect(answer.status).toBe(403);
    expect(answer.body).toContain('Invalid Host: evil.example');
  });

  it('403 for a foreign Origin, a non-http Origin and the opaque "null" Origin', async () => {
    for (const origin of ['http://evil.example', `http://evil.example:${demo.port}`, 'file:///tmp/x.html', 'null']) {
      const answer = await mcp({ Host: `127.0.0.1:${demo.port}`, Origin: origin });
      expect([origin, answer.status]).toEqual([origin, 403]);
      expect(answer.body).toContain('Invalid Origin');
    }
  });

  it('serves loopback Hosts, with no Origin or a loopback one', async () => {
    const loopback: Array<Record<string, string>> = [
      { Host: `127.0.0.1:${demo.port}` },
      { Host: `localhost:${demo.port}` },
      { Host: `localhost:${demo.port}`, Origin: `http://localhost:${demo.port}` },
      { Host: `127.0.0.1:${demo.port}`, Origin: 'https://127.0.0.1' },
    ];
    for (const headers of loopback) {
      const answer = await mcp(headers);
      expect([headers, answer.status]).toEqual([headers, 200]);
      expect(answer.body).toContain('search_memory');
    }
  });

  it("keeps the demo's own health check of /mcp (a loopback client) passing", async () => {
    const mcpHealth = await eventually(
      async () => (await (await fetch(`${demo.url}/health`)).json()).health?.components?.mcp_server,
      30_000,
      'the demo health checker to have checked /mcp'
    );
    expect(mcpHealth.healthy).toBe(true);
  });
});
