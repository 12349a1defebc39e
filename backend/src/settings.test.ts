import { parseSettings, parseSettingsAfresh, SettingsError } from './settings';

const json = (o: unknown) => Buffer.from(JSON.stringify(o));

describe('data source settings', () => {
  it('reads the Prometheus URL, timeout and bearer token', () => {
    const s = parseSettings({
      uid: 'x',
      jsonData: json({ prometheusUrl: 'http://prom:9090/', timeoutSeconds: 5 }),
      decryptedSecureJsonData: { prometheusBearerToken: 't0ken' },
    });
    expect(s.prometheus).toEqual({
      url: 'http://prom:9090',
      instanceKey: expect.stringMatching(/^[0-9a-f]{16}$/), // opaque: see breakers.test.ts
      timeoutMs: 5000,
      maxResponseBytes: 64 * 1024 * 1024,
      authorization: 'Bearer t0ken',
      headers: {},
      tls: undefined,
      customQuery: '',
    });
  });

  it('takes a per-source timeout and response cap over the shared ones', () => {
    const s = parseSettings({
      jsonData: json({
        prometheusUrl: 'http://prom:9090',
        jaegerUrl: 'http://jaeger:16686',
        timeoutSeconds: 5,
        jaegerTimeoutSeconds: 2,
        jaegerMaxResponseMiB: 1.5,
      }),
    });
    expect(s.prometheus).toMatchObject({ timeoutMs: 5000, maxResponseBytes: 64 * 1024 * 1024 });
    expect(s.jaeger).toMatchObject({ timeoutMs: 2000, maxResponseBytes: 1.5 * 1024 * 1024 });
  });

  it('refuses credentials in a URL without echoing them', () => {
    let message = '';
    try {
      parseSettings({ jsonData: json({ elasticsearchUrl: 'http://elastic:hunter2@es:9200' }) });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/Elasticsearch URL contains a user name or password/);
    expect(message).not.toContain('hunter2');
    expect(() => parseSettings({ jsonData: json({ prometheusUrl: 'ht tp://u:hunter2@x' }) })).toThrow(
      /not shown: it contains "@"/
    );
  });

  it('reads TLS material and custom headers from the secure fields of each source', () => {
    const s = parseSettings({
      jsonData: json({
        elasticsearchUrl: 'https://es:9200',
        elasticsearchTlsWithCaCert: true,
        elasticsearchTlsClientAuth: true,
        elasticsearchHttpHeaderNames: ['X-Scope-OrgID', 'X-Api-Token'],
        jaegerUrl: 'https://jaeger:16686',
        jaegerTlsSkipVerify: true,
      }),
      decryptedSecureJsonData: {
        elasticsearchTlsCaCert: 'CA PEM',
        elasticsearchTlsClientCert: 'CERT PEM',
        elasticsearchTlsClientKey: 'KEY PEM',
        elasticsearchHttpHeaderValue0: 'tenant-1',
        elasticsearchHttpHeaderValue1: 's3cret',
      },
    });
    expect(s.elasticsearch?.tls).toEqual({ ca: 'CA PEM', cert: 'CERT PEM', key: 'KEY PEM', skipVerify: false });
    expect(s.elasticsearch?.headers).toEqual({ 'X-Scope-OrgID': 'tenant-1', 'X-Api-Token': 's3cret' });
    expect(s.jaeger?.tls).toEqual({ ca: undefined, cert: undefined, key: undefined, skipVerify: true });
  });

  it('says what is missing when TLS options are on without their material, and refuses bad header names', () => {
    expect(() =>
      parseSettings({ jsonData: json({ prometheusUrl: 'https://p', prometheusTlsWithCaCert: true }) })
    ).toThrow(/no CA certificate is saved/);
    expect(() =>
      parseSettings({ jsonData: json({ prometheusUrl: 'https://p', prometheusTlsClientAuth: true }) })
    ).toThrow(/client certificate or key is missing/);
    expect(() =>
      parseSettings({ jsonData: json({ prometheusUrl: 'http://p', prometheusHttpHeaderNames: ['Bad Header'] }) })
    ).toThrow(/not a header name/);
    expect(() =>
      parseSettings({
        jsonData: json({ prometheusUrl: 'http://p', prometheusHttpHeaderNames: ['X-A'] }),
        decryptedSecureJsonData: { prometheusHttpHeaderValue0: 'a\r\nInjected: 1' },
      })
    ).toThrow(/line break/);
  });

  it('sends an Elasticsearch API key as ApiKey, ahead of basic auth', () => {
    const s = parseSettings({
      jsonData: json({ elasticsearchUrl: 'https://es:9200', elasticsearchBasicAuthUser: 'u' }),
      decryptedSecureJsonData: { elasticsearchApiKey: 'aWQ6a2V5', elasticsearchBasicAuthPassword: 'pw' },
    });
    expect(s.elasticsearch?.authorization).toBe('ApiKey aWQ6a2V5');
  });

  it('builds basic auth from the user in jsonData and the password in secureJsonData', () => {
    const s = parseSettings({
      jsonData: json({ prometheusUrl: 'http://prom:9090', prometheusBasicAuthUser: 'grafana' }),
      decryptedSecureJsonData: { prometheusBasicAuthPassword: 'pw' },
    });
    expect(s.prometheus?.authorization).toBe(`Basic ${Buffer.from('grafana:pw').toString('base64')}`);
  });

  it('caps the timeout, and ignores the instance URL (each source has its own URL field)', () => {
    const s = parseSettings({
      url: 'http://localhost:9090',
      jsonData: json({ prometheusUrl: 'http://p:9090', timeoutSeconds: 9999 }),
    });
    expect(s.prometheus).toMatchObject({ url: 'http://p:9090', timeoutMs: 300_000 });
    expect(parseSettings({ url: 'http://localhost:9090' }).prometheus).toBeUndefined();
  });

  it('explains bad URLs and bad jsonData', () => {
    expect(() => parseSettings({ jsonData: json({ prometheusUrl: 'prom:9090' }) })).toThrow(/must start with http/);
    expect(() => parseSettings({ jsonData: json({ prometheusUrl: 'http://' }) })).toThrow(SettingsError);
    expect(() => parseSettings({ jsonData: Buffer.from('{') })).toThrow(/not valid JSON/);
  });

  it('reads the scrape interval (jsonData.timeInterval) as a bounded Prometheus duration, default 15 s', () => {
    expect(parseSettings({ jsonData: json({}) }).scrapeIntervalSec).toBe(15);
    expect(parseSettings({ jsonData: json({ timeInterval: '1m' }) }).scrapeIntervalSec).toBe(60);
    expect(parseSettings({ jsonData: json({ timeInterval: ' 1m30s ' }) }).scrapeIntervalSec).toBe(90);
    expect(() => parseSettings({ jsonData: json({ timeInterval: 'often' }) })).toThrow(
      'Scrape interval "often" is not a Prometheus duration such as 15s, 1m or 1m30s'
    );
    expect(() => parseSettings({ jsonData: json({ timeInterval: '500ms' }) })).toThrow(/between 1s and 1h/);
    expect(() => parseSettings({ jsonData: json({ timeInterval: '2h' }) })).toThrow(/between 1s and 1h/);
    expect(() => parseSettings({ jsonData: json({ timeInterval: 60 }) })).toThrow(SettingsError);
  });

  it('reads the custom query parameters as Prometheus-only, encoded, bounded and never replacing ours', () => {
    const prometheus = (customQueryParameters: unknown) =>
      parseSettingsAfresh({ jsonData: json({ prometheusUrl: 'http://thanos:10902', customQueryParameters }) })
        .prometheus;
    expect(prometheus(undefined)?.customQuery).toBe('');
    expect(prometheus('dedup=true&partial_response=true')?.customQuery).toBe('dedup=true&partial_response=true');
    // Decoded then encoded once: a space, a slash and an escape come out as one encoding.
    expect(prometheus('?a=f oo&b=par%2Fam&&c')?.customQuery).toBe('a=f+oo&b=par%2Fam&c=');
    expect(() => prometheus('query=up')).toThrow(/"query" is set by the data source itself/);
    expect(() => prometheus('match[]=up')).toThrow(/"match\[\]" is set by the data source itself/);
    expect(() => prometheus('custom=%%abc')).toThrow(/broken %-escape/);
    expect(() => prometheus('=x')).toThrow(/has no name/);
    expect(() => prometheus(42)).toThrow(/must be text/);
    expect(() => prometheus('a=1&'.repeat(17))).toThrow(/17 parameters; at most 16/);
    expect(() => prometheus('a='.padEnd(1025, 'x'))).toThrow(/1025 characters long; at most 1024/);
  });

  it('splits a hostile custom query parameters text in linear time', () => {
    const started = performance.now();
    expect(() =>
      parseSettingsAfresh({ jsonData: json({ prometheusUrl: 'http://p:1', customQueryParameters: '%'.repeat(1024) }) })
    ).toThrow(SettingsError);
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('trims any run of trailing slashes from a URL in linear time', () => {
    const url = `http://prom:9090/${'/'.repeat(40_000)}`;
    const started = performance.now();
    expect(parseSettingsAfresh({ jsonData: json({ prometheusUrl: url }) }).prometheus?.url).toBe('http://prom:9090');
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('has no Prometheus when none is configured', () => {
    expect(parseSettings(undefined).prometheus).toBeUndefined();
  });

  it('parses each distinct settings message once, and a change in any part afresh', () => {
    const message = (url: string, token = 't') => ({
      uid: 'cached',
      jsonData: json({ prometheusUrl: url }),
      decryptedSecureJsonData: { prometheusBearerToken: token },
    });
    const first = parseSettings(message('http://a:9090'));
    expect(parseSettings(message('http://a:9090'))).toBe(first);
    expect(Object.isFrozen(first.prometheus)).toBe(true);
    expect(parseSettings(message('http://b:9090')).prometheus?.url).toBe('http://b:9090');
    expect(parseSettings(message('http://a:9090', 'other')).prometheus?.authorization).toBe('Bearer other');
    // A bad message fails every time, not only the first.
    const bad = { uid: 'cached', jsonData: json({ prometheusUrl: 'ftp://nope' }) };
    expect(() => parseSettings(bad)).toThrow(SettingsError);
    expect(() => parseSettings(bad)).toThrow(SettingsError);
  });
});
