import { parseSettings, SettingsError } from './settings';

const json = (o: unknown) => Buffer.from(JSON.stringify(o));

describe('data source settings', () => {
  it('reads the Prometheus URL, timeout and bearer token', () => {
    const s = parseSettings({
      uid: 'x',
      jsonData: json({ prometheusUrl: 'http://prom:9090/', timeoutSeconds: 5 }),
      decryptedSecureJsonData: { prometheusBearerToken: 't0ken' },
    });
    expect(s.prometheus).toEqual({ url: 'http://prom:9090', timeoutMs: 5000, authorization: 'Bearer t0ken' });
  });

  it('builds basic auth from the user in jsonData and the password in secureJsonData', () => {
    const s = parseSettings({
      jsonData: json({ prometheusUrl: 'http://prom:9090', prometheusBasicAuthUser: 'grafana' }),
      decryptedSecureJsonData: { prometheusBasicAuthPassword: 'pw' },
    });
    expect(s.prometheus?.authorization).toBe(`Basic ${Buffer.from('grafana:pw').toString('base64')}`);
  });

  it('falls back to the instance URL and caps the timeout', () => {
    const s = parseSettings({ url: 'http://localhost:9090', jsonData: json({ timeoutSeconds: 9999 }) });
    expect(s.prometheus).toMatchObject({ url: 'http://localhost:9090', timeoutMs: 300_000 });
  });

  it('explains bad URLs and bad jsonData', () => {
    expect(() => parseSettings({ jsonData: json({ prometheusUrl: 'prom:9090' }) })).toThrow(/must start with http/);
    expect(() => parseSettings({ jsonData: json({ prometheusUrl: 'http://' }) })).toThrow(SettingsError);
    expect(() => parseSettings({ jsonData: Buffer.from('{') })).toThrow(/not valid JSON/);
  });

  it('has no Prometheus when none is configured', () => {
    expect(parseSettings(undefined).prometheus).toBeUndefined();
  });
});
