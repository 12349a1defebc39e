import { allowedHostnames, mcpRebindingProtection, requireAdminToken } from './access.js';

interface Answer {
  status?: number;
  body?: unknown;
  headers: Record<string, string>;
  passed: boolean;
}

/** Runs one middleware on a request with these headers and records what it answered. */
function run(middleware: (req: any, res: any, next: () => void) => void, headers: Record<string, string>): Answer {
  const answer: Answer = { headers: {}, passed: false };
  const res = {
    status(code: number) {
      answer.status = code;
      return res;
    },
    set(name: string, value: string) {
      answer.headers[name] = value;
      return res;
    },
    json(body: unknown) {
      answer.body = body;
      return res;
    },
  };
  middleware({ headers }, res, () => {
    answer.passed = true;
  });
  return answer;
}

describe('allowedHostnames', () => {
  it('allows loopback names only when listening on a wildcard address', () => {
    expect(allowedHostnames('0.0.0.0')).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(allowedHostnames('::')).toEqual(['localhost', '127.0.0.1', '[::1]']);
  });

  it('adds a named listen address, IPv6 in brackets, once', () => {
    expect(allowedHostnames('10.0.0.5')).toContain('10.0.0.5');
    expect(allowedHostnames('fd00::5')).toContain('[fd00::5]');
    expect(allowedHostnames('127.0.0.1')).toEqual(['localhost', '127.0.0.1', '[::1]']);
  });
});

describe('mcpRebindingProtection', () => {
  const [hostCheck, originCheck] = mcpRebindingProtection(allowedHostnames('127.0.0.1'));

  it('lets a local client without Origin through', () => {
    expect(run(hostCheck, { host: '127.0.0.1:8000' }).passed).toBe(true);
    expect(run(originCheck, { host: '127.0.0.1:8000' }).passed).toBe(true);
  });

  it('refuses a rebound host name', () => {
    expect(run(hostCheck, { host: 'attacker.example:8000' }).passed).toBe(false);
  });

  it('refuses a browser Origin on another host, and an opaque one, naming what is allowed', () => {
    const foreign = run(originCheck, { host: 'localhost:8000', origin: 'http://attacker.example' });
    expect(foreign).toMatchObject({ passed: false, status: 403 });
    expect(JSON.stringify(foreign.body)).toContain('allowed: no Origin, or an http(s) origin on localhost');
    expect(run(originCheck, { host: 'localhost:8000', origin: 'null' }).passed).toBe(false);
    expect(run(originCheck, { host: 'localhost:8000', origin: 'http://localhost:3000' }).passed).toBe(true);
  });
});

describe('requireAdminToken', () => {
  const guard = requireAdminToken('s3cret-token');

  it('passes the configured bearer token, in any case of the scheme', () => {
    expect(run(guard, { authorization: 'Bearer s3cret-token' }).passed).toBe(true);
    expect(run(guard, { authorization: 'bearer s3cret-token' }).passed).toBe(true);
  });

  it('answers 401 with a challenge for a missing or wrong token, and never echoes it', () => {
    const missing = run(guard, {});
    expect(missing).toMatchObject({ passed: false, status: 401 });
    expect(missing.headers['WWW-Authenticate']).toBe('Bearer realm="demo admin"');
    expect(JSON.stringify(missing.body)).toContain('missing admin token');
    const wrong = run(guard, { authorization: 'Bearer s3cret-tokeN' });
    expect(wrong).toMatchObject({ passed: false, status: 401 });
    expect(JSON.stringify(wrong.body)).toContain('wrong admin token');
    expect(JSON.stringify(wrong.body)).not.toContain('s3cret');
    expect(run(guard, { authorization: 'Basic s3cret-token' }).passed).toBe(false);
  });

  it('is disabled, not open, without a configured token', () => {
    const answer = run(requireAdminToken(undefined), { authorization: 'Bearer ' });
    expect(answer).toMatchObject({ passed: false, status: 403 });
    expect(JSON.stringify(answer.body)).toContain('DEMO_ADMIN_TOKEN');
  });
});
