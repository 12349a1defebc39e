import { parseLatency, readConfig, selfUrl } from './config.js';

describe('readConfig', () => {
  it('listens on loopback by default and takes the admin token from the environment', () => {
    const config = readConfig([], { DEMO_ADMIN_TOKEN: 'abc' });
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8000, adminToken: 'abc' });
    expect(readConfig([], { DEMO_ADMIN_TOKEN: '' }).adminToken).toBeUndefined();
  });

  it('runs one process unless DEMO_WORKERS or --workers asks for a cluster', () => {
    expect(readConfig([], {}).workers).toBe(1);
    expect(readConfig([], { DEMO_WORKERS: '' }).workers).toBe(1);
    expect(readConfig([], { DEMO_WORKERS: '3' }).workers).toBe(3);
    expect(readConfig(['--workers', '2'], { DEMO_WORKERS: '3' }).workers).toBe(2);
    for (const bad of ['0', '1.5', 'two', '33']) {
      expect(() => readConfig(['--workers', bad], {})).toThrow(
        `--workers ${bad}: expected a whole number from 1 to 32`
      );
    }
  });

  it('refuses a host name to listen on and a bad number, saying what is expected', () => {
    expect(() => readConfig(['--host', 'example.com'], {})).toThrow('expected an IP address to listen on');
    expect(() => readConfig(['--rate', '0'], {})).toThrow('--rate 0: expected a number >= 0.1');
  });
});

describe('parseLatency', () => {
  it('reads service:milliseconds pairs and refuses anything else', () => {
    expect(parseLatency('neo4j:1500,redis:20')).toEqual({ neo4j: 1500, redis: 20 });
    expect(() => parseLatency('neo4j')).toThrow('--latency neo4j: expected <service>:<milliseconds>');
  });
});

describe('selfUrl', () => {
  it('connects to loopback where the demo listens on a wildcard address', () => {
    expect(selfUrl({ host: '0.0.0.0', port: 8000 })).toBe('http://127.0.0.1:8000');
    expect(selfUrl({ host: '::', port: 8000 })).toBe('http://[::1]:8000');
  });
});
