/**
 * Writes AI events through the SDK's AiEventLogger to a data stream on the two-node
 * Elasticsearch cluster, for scale_elasticsearch_test.go, which stops a node while it runs.
 * Run from the repository root: `npx tsx tests/conformance/testdata/es-cluster-writer.mts`.
 *
 * Environment: ES_NODES (comma-separated URLs), DATA_STREAM, RUN_ID, WRITER_MODE (`load`, the
 * default, or `retention`).
 *
 * load: logs one event every 10 ms until a line "stop" on stdin; "maintain" runs one pass of the
 * SDK's rollover and retention. Prints JSON lines: {"event":"progress",...} every 500 ms and, after
 * the logger closed, {"event":"done","logged":[ids],"acknowledged":[ids],"dropped":{reason:n}}.
 *
 * retention: rollover after every event (maxDocs 1) and a 2 s retention: two events, a pass, a
 * third event, 2.5 s, a pass; prints {"event":"retention","first":report,"second":report}.
 */
import { createInterface } from 'node:readline';
import { Client } from '@elastic/elasticsearch';
import { AiEventLogger } from '../../../telemetry/src/events.ts';
import { MemoryTelemetry } from '../../../telemetry/src/memoryTelemetry.ts';

const nodes = (process.env.ES_NODES ?? '').split(',').filter(Boolean);
const dataStream = process.env.DATA_STREAM ?? '';
const runId = process.env.RUN_ID ?? '';
const mode = process.env.WRITER_MODE ?? 'load';
if (nodes.length === 0 || !dataStream || !runId) {
  console.error('ES_NODES, DATA_STREAM and RUN_ID are required');
  process.exit(2);
}

const print = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);
/** Prints the last line and exits once it is written: stdout is a pipe, whose writes are asynchronous. */
const finish = (line: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify(line)}\n`, () => process.exit(0));
// Rollover's max_docs and min_docs count the documents of the last refresh: the harness refreshes
// before each pass so that a pass sees every acknowledged event (the SDK itself waits for the
// index's own refresh, every 5 s).
const admin = new Client({ node: nodes });
async function maintain() {
  await admin.indices.refresh({ index: dataStream, ignore_unavailable: true });
  return logger.maintainDataStream();
}
const telemetry = new MemoryTelemetry();
const acknowledged: string[] = [];
const warnings: string[] = [];

const logger = new AiEventLogger({
  node: nodes,
  telemetry,
  shards: 2,
  replicas: 1,
  batchSize: 50,
  flushIntervalMs: 200,
  retries: 6,
  backoffMs: 200,
  dataStream:
    mode === 'retention'
      ? { name: dataStream, lifecycle: 'sdk', rollover: { maxDocs: 1 }, retention: '2s', checkIntervalMs: 3_600_000 }
      : { name: dataStream, lifecycle: 'sdk', rollover: { maxDocs: 200 }, retention: '1d', checkIntervalMs: 3_600_000 },
  privacy: { userId: 'keep' },
  onAcknowledged: (ids) => acknowledged.push(...ids),
  logger: (message) => {
    warnings.push(message);
    console.error(message);
  },
});

const event = (seq: number) => ({
  operation: 'scale_test',
  agent_id: 'coding:scale',
  level: 'INFO',
  message: `scale test event ${seq}`,
  run_id: runId,
  seq,
});

async function dropped(): Promise<Record<string, number>> {
  const metric = await telemetry.metrics.eventsDropped.get();
  return Object.fromEntries(metric.values.map((v) => [String(v.labels.reason), v.value]));
}

if (mode === 'retention') {
  logger.log(event(0));
  logger.log(event(1));
  await logger.flush();
  const first = await maintain();
  logger.log(event(2));
  await logger.flush();
  await new Promise((resolve) => setTimeout(resolve, 2500));
  const second = await maintain();
  await logger.close();
  finish({ event: 'retention', first, second, acknowledged: acknowledged.length, warnings });
} else {
  await load();
}

async function load() {
  const logged: string[] = [];
  let seq = 0;
  let stopping = false;
  const started = Date.now();
  const writer = setInterval(() => {
    const id = logger.log(event(seq++));
    if (id !== undefined) {
      logged.push(id);
    }
  }, 10);
  const progress = setInterval(
    () =>
      print({
        event: 'progress',
        logged: logged.length,
        acknowledged: acknowledged.length,
        elapsedMs: Date.now() - started,
      }),
    500
  );

  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'maintain') {
      print({ event: 'maintained', report: (await maintain()) ?? null });
    } else if (line === 'stop' && !stopping) {
      stopping = true;
      clearInterval(writer);
      break;
    }
  }
  clearInterval(writer);
  clearInterval(progress);
  await logger.close();
  finish({
    event: 'done',
    logged,
    acknowledged,
    dropped: await dropped(),
    warnings: warnings.slice(0, 20),
    elapsedMs: Date.now() - started,
  });
}
