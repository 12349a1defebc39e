/**
 * The opt-in HTTP instrumentation applies the privacy policy (issue 20): a real node:http server
 * and client, traced by setupTracing, and no exported span carries a query-string value.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { REDACTED, redactQueryValues, redactUrlQuery, redisStatementWithoutArguments } from './privacy.js';

describe('redactQueryValues', () => {
  it('replaces every value and keeps the names, in order', () => {
    expect(redactQueryValues('user_id=alice&limit=5&user_id=bob')).toBe(
      `user_id=${REDACTED}&limit=${REDACTED}&user_id=${REDACTED}`
    );
  });

  it('keeps a bare name and an empty pair, and a value holding "=" goes whole', () => {
    expect(redactQueryValues('verbose&&token=a=b')).toBe(`verbose&&token=${REDACTED}`);
  });
});

describe('redactUrlQuery', () => {
  it('redacts the query of a full URL and of a path', () => {
    expect(redactUrlQuery('http://h:1/memories/abc?user_id=alice')).toBe(`http://h:1/memories/abc?user_id=${REDACTED}`);
    expect(redactUrlQuery('/memories?user_id=alice&agent_id=chat%3Aalice')).toBe(
      `/memories?user_id=${REDACTED}&agent_id=${REDACTED}`
    );
  });

  it('leaves a URL without a query as it is, and drops a fragment', () => {
    expect(redactUrlQuery('http://h/memories/abc')).toBe('http://h/memories/abc');
    expect(redactUrlQuery('/a?user_id=alice#alice')).toBe(`/a?user_id=${REDACTED}`);
    expect(redactUrlQuery('/a#frag?user_id=alice')).toBe('/a');
  });

  it('takes linear time on a long hostile query', () => {
    const hostile = `/a?${'x=&'.repeat(200_000)}#`;
    const started = performance.now();
    redactUrlQuery(hostile);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('redisStatementWithoutArguments', () => {
  it('keeps the command name and the argument count, never a key or value', () => {
    expect(redisStatementWithoutArguments('GET', ['mem:search:alice:5:abc'])).toBe('GET [1 argument]');
    expect(redisStatementWithoutArguments('SET', ['mem:search:alice', '[]', 'EX', '60'])).toBe('SET [4 arguments]');
    expect(redisStatementWithoutArguments('PING', [])).toBe('PING');
  });
});

/** A finished span as the child process reports it. */
interface ExportedSpan {
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  events: Array<{ name: string; attributes?: Record<string, unknown> }>;
}

/** Every string a span exports: its name, attribute values, event names and event attributes. */
function exportedText(span: ExportedSpan): string[] {
  const values = (attributes: Record<string, unknown> | undefined) =>
    Object.values(attributes ?? {}).flatMap((v) => (Array.isArray(v) ? v.map(String) : [String(v)]));
  return [
    span.name,
    ...values(span.attributes),
    ...span.events.flatMap((event) => [event.name, ...values(event.attributes)]),
  ];
}

/**
 * Runs in a plain Node process: jest's module loader hands the instrumentation a stand-in for
 * node:module, so its require hook would never see node:http here. Sets up tracing with an
 * in-memory exporter, serves and requests one URL, and prints the finished spans as JSON.
 */
const CHILD = `
import { createRequire } from 'node:module';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { setupTracing } from ${JSON.stringify(path.join(__dirname, 'tracing.ts'))};

const exporter = new InMemorySpanExporter();
const tracing = setupTracing({ serviceName: 'privacy-test', simpleExport: true, exporter, instrument: { http: true } });
// Loaded after setup, as a host must, so that the instrumentation's require hook patches it.
const http = createRequire(import.meta.url)('node:http');
const server = http.createServer((_req, res) => res.end('{}'));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();
await new Promise((resolve, reject) =>
  http.get('http://127.0.0.1:' + port + process.env.REQUEST_PATH, (res) => res.resume().on('end', resolve)).on('error', reject)
);
await new Promise((resolve) => server.close(resolve));
await tracing.forceFlush();
const spans = exporter.getFinishedSpans().map((s) => ({ name: s.name, kind: s.kind, attributes: s.attributes, events: s.events }));
await tracing.shutdown();
process.stdout.write(JSON.stringify({ port, spans }));
`;

function tracedExchange(requestPath: string): { port: number; spans: ExportedSpan[] } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', CHILD], {
    cwd: path.resolve(__dirname, '..'),
    env: { ...process.env, REQUEST_PATH: requestPath },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return JSON.parse(out);
}

describe('setupTracing with the HTTP instrumentation', () => {
  it('exports the server and client spans of /memories/abc?user_id=alice without "alice"', () => {
    const { port, spans } = tracedExchange('/memories/abc?user_id=alice&agent_id=chat:alice');
    const server = spans.find((s) => s.kind === SpanKind.SERVER);
    const client = spans.find((s) => s.kind === SpanKind.CLIENT);
    // The instrumentation ran and recorded the URL (else there would be nothing to find "alice" in).
    expect(server?.attributes['url.query']).toBe(`user_id=${REDACTED}&agent_id=${REDACTED}`);
    expect(server?.attributes['url.path']).toBe('/memories/abc');
    expect(client?.attributes['url.full']).toBe(
      `http://127.0.0.1:${port}/memories/abc?user_id=${REDACTED}&agent_id=${REDACTED}`
    );
    // Without a route template from the host the span is named by its method alone, no path.
    expect(server?.name).toBe('GET');
    const leaks = spans.flatMap((span) => exportedText(span).filter((text) => text.includes('alice')));
    expect(leaks).toEqual([]);
  });
});
