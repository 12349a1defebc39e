import nodeCluster from 'node:cluster';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AggregatorRegistry, Registry, type Aggregator } from 'prom-client';
import { metricByName, type ClusterAggregation } from './catalog.js';
import { promClientAggregator } from './registry.js';
import { errorMessage, safeString } from './safeText.js';

/**
 * One `/metrics` answer for a service that runs as a Node `cluster` of workers: the primary asks
 * every worker for its series over the cluster's IPC channel and merges them with prom-client's
 * `AggregatorRegistry.aggregate`, each metric as its catalog definition says (`aggregator`):
 * counters, histograms and summaries summed per label set, gauges summed, maxed, minned or kept
 * per worker with a `worker` label. What prom-client's own `clusterMetrics()` does not do, and
 * this does:
 *
 * - it never waits longer than `timeoutMs` (prom-client: 5 s, fixed), and a worker that exits
 *   is not waited for at all; a worker that does not answer in time contributes its last answer's
 *   counters, histograms and summaries (never its gauges, which may no longer be true), so that
 *   no counter of the merged answer goes down, which Prometheus would read as a reset;
 * - the counters, histograms and summaries of workers that exited stay in the sum, for the same
 *   reason: a worker that dies and is replaced does not make the service's counters drop;
 * - a summary's quantiles are left out (quantiles of separate workers cannot be merged);
 * - OpenMetrics answers keep each bucket's newest exemplar, and counters are not named
 *   `…_total_total`;
 * - nothing it receives can throw in the primary's event loop.
 *
 * The workers' protocol is its own (message types `memstack-telemetry:*`), so it neither needs
 * nor disturbs prom-client's `AggregatorRegistry` listeners.
 */

/** The label of per-worker series (ClusterAggregation `per_worker`). */
export const WORKER_LABEL = 'worker';

/** An exposition: what a `/metrics` endpoint answers. */
export interface Exposition {
  contentType: string;
  body: string;
}

type ContentType = typeof Registry.PROMETHEUS_CONTENT_TYPE | typeof Registry.OPENMETRICS_CONTENT_TYPE;

const MESSAGE = {
  request: 'memstack-telemetry:metrics-request',
  response: 'memstack-telemetry:metrics-response',
  aggregateRequest: 'memstack-telemetry:aggregate-request',
  aggregateResponse: 'memstack-telemetry:aggregate-response',
} as const;

// ---------------------------------------------------------------------------------------------
// Merging
// ---------------------------------------------------------------------------------------------

interface ExemplarJson {
  labelSet: Record<string, string>;
  value: number;
  timestamp: number;
}

/** One value of prom-client's `getMetricsAsJSON()`. */
export interface MetricValueJson {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
  exemplar?: ExemplarJson | null;
}

/** One metric of prom-client's `getMetricsAsJSON()`. */
export interface MetricJson {
  name: string;
  help: string;
  type: string;
  values: MetricValueJson[];
  aggregator?: string;
}

/** The series of one worker (or of the primary, or of the workers that exited) to merge. */
export interface ClusterMetricsInput {
  /** The `worker` label of its per-worker series. */
  worker: string;
  metrics: readonly MetricJson[];
  /**
   * Only counters, histograms and summaries: the last answer of a worker that did not answer
   * this time, or the sum of the workers that exited. Their gauges are left out.
   */
  cumulativeOnly?: boolean;
}

const AGGREGATORS: ReadonlySet<string> = new Set<Aggregator>(['sum', 'first', 'min', 'max', 'average', 'omit']);
const CUMULATIVE_TYPES: ReadonlySet<string> = new Set(['counter', 'histogram', 'summary']);

/** The cluster aggregation of a metric: its catalog definition's, else what the metric declares, else a sum. */
export function clusterAggregationOf(metric: Pick<MetricJson, 'name' | 'type' | 'aggregator'>): ClusterAggregation {
  if (CUMULATIVE_TYPES.has(metric.type)) {
    // Whatever a metric declares, its counts only add up: a counter that is not summed goes down
    // when a worker is replaced.
    return 'sum';
  }
  const def = metricByName(metric.name);
  if (def) {
    return def.aggregator;
  }
  return typeof metric.aggregator === 'string' && AGGREGATORS.has(metric.aggregator)
    ? (metric.aggregator as Aggregator)
    : 'sum';
}

const stripTotal = (name: string) => (name.endsWith('_total') ? name.slice(0, -'_total'.length) : name);

/** A stable key of a label set (labels in name order). */
function labelKey(labels: Record<string, unknown>): string {
  return JSON.stringify(
    Object.keys(labels ?? {})
      .sort()
      .map((k) => [k, String(labels[k])])
  );
}

/**
 * Merges workers' series into one exposition (Prometheus text or OpenMetrics): each metric as
 * `clusterAggregationOf` says, per label set, by prom-client's `AggregatorRegistry.aggregate`.
 * Counter names are as each worker exposes them (`…_total`).
 */
export async function mergeClusterMetrics(
  inputs: readonly ClusterMetricsInput[],
  contentType: ContentType = Registry.PROMETHEUS_CONTENT_TYPE
): Promise<string> {
  const openMetrics = contentType === Registry.OPENMETRICS_CONTENT_TYPE;
  const newestExemplar = new Map<string, ExemplarJson>();
  const prepared: MetricJson[][] = [];
  for (const input of inputs) {
    const list: MetricJson[] = [];
    for (const metric of input.metrics) {
      if (!isMetricJson(metric) || (input.cumulativeOnly && !CUMULATIVE_TYPES.has(metric.type))) {
        continue;
      }
      const aggregation = clusterAggregationOf(metric);
      // OpenMetrics names a counter without `_total` (prom-client adds it to each sample).
      const name = openMetrics && metric.type === 'counter' ? stripTotal(metric.name) : metric.name;
      const values: MetricValueJson[] = [];
      for (const value of metric.values) {
        if (!isValueJson(value) || (metric.type === 'summary' && value.labels.quantile !== undefined)) {
          continue;
        }
        const labels = aggregation === 'per_worker' ? { ...value.labels, [WORKER_LABEL]: input.worker } : value.labels;
        const merged: MetricValueJson = { value: value.value, labels };
        if (value.metricName !== undefined) {
          merged.metricName = value.metricName;
        }
        values.push(merged);
        const exemplar = value.exemplar;
        if (openMetrics && isExemplar(exemplar)) {
          const key = `${value.metricName ?? name}${labelKey(labels)}`;
          const known = newestExemplar.get(key);
          if (!known || exemplar.timestamp > known.timestamp) {
            newestExemplar.set(key, exemplar);
          }
        }
      }
      list.push({
        name,
        help: typeof metric.help === 'string' ? metric.help : '',
        type: metric.type,
        values,
        aggregator: promClientAggregator(aggregation),
      });
    }
    prepared.push(list);
  }
  const registry = AggregatorRegistry.aggregate<ContentType>(prepared);
  registry.setContentType(contentType);
  if (newestExemplar.size > 0) {
    for (const metric of registry.getMetricsAsArray() as unknown as Array<{ get(): MetricJson }>) {
      const merged = metric.get();
      for (const value of merged.values) {
        const exemplar = newestExemplar.get(`${value.metricName ?? merged.name}${labelKey(value.labels)}`);
        if (exemplar) {
          value.exemplar = exemplar;
        }
      }
    }
  }
  return registry.metrics();
}

function isMetricJson(metric: unknown): metric is MetricJson {
  const m = metric as MetricJson | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.name === 'string' &&
    typeof m.type === 'string' &&
    Array.isArray(m.values)
  );
}

function isValueJson(value: unknown): value is MetricValueJson {
  const v = value as MetricValueJson | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.value === 'number' &&
    typeof v.labels === 'object' &&
    v.labels !== null &&
    (v.metricName === undefined || typeof v.metricName === 'string')
  );
}

function isExemplar(exemplar: unknown): exemplar is ExemplarJson {
  const e = exemplar as ExemplarJson | null | undefined;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.labelSet === 'object' &&
    e.labelSet !== null &&
    typeof e.value === 'number' &&
    typeof e.timestamp === 'number'
  );
}

/**
 * A registry's series as sent to the primary: counters named as the registry exposes them (an
 * OpenMetrics registry renames its counters without `_total` once it has been read, and exposes
 * `…_total`), and values that JSON cannot carry (NaN, ±Inf) as text.
 */
async function registrySeries(registry: Registry<any>): Promise<MetricJson[]> {
  const openMetrics = (registry.contentType as string) === Registry.OPENMETRICS_CONTENT_TYPE;
  const metrics = (await registry.getMetricsAsJSON()) as unknown as MetricJson[];
  return metrics.map((metric) => ({
    name: openMetrics && metric.type === 'counter' ? `${stripTotal(metric.name)}_total` : metric.name,
    help: metric.help,
    type: metric.type,
    aggregator: metric.aggregator,
    values: metric.values.map((value) => ({
      ...value,
      value: (Number.isFinite(value.value) ? value.value : String(value.value)) as number,
    })),
  }));
}

/** The primary's side of registrySeries: text values back to numbers; anything else dropped. */
function decodeSeries(metrics: unknown): MetricJson[] {
  if (!Array.isArray(metrics)) {
    return [];
  }
  const decoded: MetricJson[] = [];
  for (const metric of metrics) {
    if (!isMetricJson(metric)) {
      continue;
    }
    const values: MetricValueJson[] = [];
    for (const value of metric.values as unknown[]) {
      const v = value as MetricValueJson | null;
      if (typeof v !== 'object' || v === null) {
        continue;
      }
      const number =
        typeof v.value === 'number'
          ? v.value
          : v.value === 'NaN'
            ? NaN
            : v.value === 'Infinity'
              ? Infinity
              : v.value === '-Infinity'
                ? -Infinity
                : undefined;
      if (number !== undefined) {
        values.push({ ...v, value: number });
      }
    }
    decoded.push({ ...metric, values });
  }
  return decoded;
}

/** Adds the counters, histograms and summaries of `metrics` into `into`, per label set. */
function addCumulative(into: Map<string, MetricJson>, metrics: readonly MetricJson[]): void {
  for (const metric of metrics) {
    if (!CUMULATIVE_TYPES.has(metric.type)) {
      continue;
    }
    let total = into.get(metric.name);
    if (!total) {
      total = { name: metric.name, help: metric.help, type: metric.type, values: [], aggregator: 'sum' };
      into.set(metric.name, total);
    }
    const index = new Map(total.values.map((v) => [`${v.metricName ?? ''}${labelKey(v.labels)}`, v]));
    for (const value of metric.values) {
      if (metric.type === 'summary' && value.labels.quantile !== undefined) {
        continue;
      }
      const key = `${value.metricName ?? ''}${labelKey(value.labels)}`;
      const known = index.get(key);
      if (known) {
        known.value += value.value;
      } else {
        const copy: MetricValueJson = { value: value.value, labels: { ...value.labels } };
        if (value.metricName !== undefined) {
          copy.metricName = value.metricName;
        }
        total.values.push(copy);
        index.set(key, copy);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The HTTP side
// ---------------------------------------------------------------------------------------------

function expositionHandler(collect: () => Promise<Exposition>) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    const fail = (error: unknown) => {
      try {
        res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(`could not collect the cluster's metrics: ${errorMessage(error)}\n`);
      } catch {
        res.destroy();
      }
    };
    let collecting: Promise<Exposition>;
    try {
      collecting = collect();
    } catch (error) {
      fail(error);
      return;
    }
    collecting.then(({ contentType, body }) => {
      try {
        res.writeHead(200, { 'Content-Type': contentType });
        res.end(body);
      } catch {
        res.destroy();
      }
    }, fail);
  };
}

function validTimeout(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.min(value, 60_000) : fallback;
}

function callSafely(logger: ((message: string) => void) | undefined, message: string): void {
  try {
    logger?.(message);
  } catch {
    // a logger that throws is ignored
  }
}

// ---------------------------------------------------------------------------------------------
// The primary
// ---------------------------------------------------------------------------------------------

/** What the primary needs of a cluster worker (node:cluster's Worker). */
export interface ClusterWorkerHandle {
  readonly id: number;
  isConnected(): boolean;
  send(message: unknown, callback?: (error: Error | null) => void): boolean;
}

/** What the primary needs of node:cluster (injectable for tests). */
export interface ClusterLike {
  readonly isPrimary: boolean;
  readonly workers?: NodeJS.Dict<ClusterWorkerHandle>;
  on(event: 'message', listener: (worker: ClusterWorkerHandle, message: unknown) => void): unknown;
  on(event: 'exit', listener: (worker: ClusterWorkerHandle) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
}

export interface ClusterMetricsPrimaryOptions {
  /**
   * The longest a collection waits for the workers' answers, ms; default 2000. Keep it well under
   * Prometheus' scrape timeout (10 s by default) and under the workers' `timeoutMs`.
   */
  timeoutMs?: number;
  /** Exposition format of the answer: Prometheus text (default) or OpenMetrics, which keeps exemplars. */
  contentType?: ContentType;
  /** The primary's own registries (if it records anything), merged like a worker's as `worker="primary"`. */
  registries?: ReadonlyArray<Registry<any>>;
  /** Receives a worker that stopped answering or an aggregation that failed; never throws into the host. */
  logger?: (message: string) => void;
  /** node:cluster unless given (tests). */
  cluster?: ClusterLike;
}

/** What the last collection did. */
export interface ClusterMetricsStatus {
  /** Workers asked at the last collection. */
  workers: number;
  /** Of those, the ones that answered in time. */
  answered: number;
  /** `worker` labels of the workers whose last answer's counters were served instead. */
  stale: string[];
  /** Workers that exited since the primary started; the counters they last answered stay in the sums. */
  retired: number;
  /** Epoch ms of the last collection. */
  lastCollectedAt?: number;
  /** Why the last collection failed, if it did. */
  lastError?: string;
}

interface Snapshot {
  worker: string;
  metrics: MetricJson[];
  request: number;
}

interface PendingCollection {
  waiting: Set<number>;
  fresh: Set<number>;
  check(): void;
}

/**
 * Runs in the cluster's primary: collects every worker's series (each worker runs a started
 * ClusterMetricsWorker) and answers them merged, to its own HTTP endpoint (`handler()`) and to
 * the workers' (`ClusterMetricsWorker.handler()`). Never throws into the host; a collection
 * takes at most `timeoutMs` plus the merge.
 */
export class ClusterMetricsPrimary {
  private readonly cluster: ClusterLike;
  private readonly timeoutMs: number;
  private readonly contentType: ContentType;
  private readonly snapshots = new Map<number, Snapshot>();
  private readonly retired = new Map<string, MetricJson>();
  private readonly retiredIds = new Set<number>();
  private readonly pending = new Map<number, PendingCollection>();
  private readonly staleWorkers = new Set<number>();
  private sequence = 0;
  private inFlight: Promise<Exposition> | undefined;
  private started = false;
  readonly status: ClusterMetricsStatus = { workers: 0, answered: 0, stale: [], retired: 0 };

  constructor(private readonly options: ClusterMetricsPrimaryOptions = {}) {
    this.cluster = options.cluster ?? (nodeCluster as unknown as ClusterLike);
    this.timeoutMs = validTimeout(options.timeoutMs, 2000);
    this.contentType =
      options.contentType === Registry.OPENMETRICS_CONTENT_TYPE
        ? Registry.OPENMETRICS_CONTENT_TYPE
        : Registry.PROMETHEUS_CONTENT_TYPE;
  }

  /** Starts listening to the workers; in a process that is not a cluster primary it only reports that. */
  start(): this {
    if (this.started) {
      return this;
    }
    if (!this.cluster.isPrimary) {
      this.log('telemetry: ClusterMetricsPrimary started outside a cluster primary; it collects nothing');
      return this;
    }
    this.started = true;
    this.cluster.on('message', this.onMessage);
    this.cluster.on('exit', this.onExit);
    return this;
  }

  stop(): void {
    if (!this.started) {
      return;
    }
    this.started = false;
    this.cluster.off('message', this.onMessage);
    this.cluster.off('exit', this.onExit);
    for (const pending of this.pending.values()) {
      pending.waiting.clear();
      pending.check();
    }
  }

  /**
   * The merged series of every worker. Concurrent calls share one collection. Rejects only when
   * the merge itself fails (reported through the logger and in `status`).
   */
  metrics(): Promise<Exposition> {
    if (!this.inFlight) {
      const collecting = this.collect();
      this.inFlight = collecting;
      const clear = () => {
        if (this.inFlight === collecting) {
          this.inFlight = undefined;
        }
      };
      collecting.then(clear, clear);
    }
    return this.inFlight;
  }

  /** A `/metrics` handler for node:http and Express: 200 with the merged series, 503 if they could not be merged. */
  handler(): (req: IncomingMessage, res: ServerResponse) => void {
    return expositionHandler(() => this.metrics());
  }

  private async collect(): Promise<Exposition> {
    const workers = this.connectedWorkers();
    const id = ++this.sequence;
    const fresh = new Set<number>();
    await new Promise<void>((resolve) => {
      const waiting = new Set(workers.map((w) => w.id));
      let timer: NodeJS.Timeout | undefined;
      const pending: PendingCollection = {
        waiting,
        fresh,
        check: () => {
          if (waiting.size === 0 && this.pending.get(id) === pending) {
            clearTimeout(timer);
            this.pending.delete(id);
            resolve();
          }
        },
      };
      this.pending.set(id, pending);
      timer = setTimeout(() => {
        waiting.clear();
        pending.check();
      }, this.timeoutMs);
      for (const worker of workers) {
        const gone = () => {
          waiting.delete(worker.id);
          pending.check();
        };
        try {
          worker.send({ type: MESSAGE.request, id }, (error) => error && gone());
        } catch {
          gone();
        }
      }
      pending.check();
    });

    const inputs: ClusterMetricsInput[] = [];
    const stale: string[] = [];
    for (const [workerId, snapshot] of this.snapshots) {
      const answered = fresh.has(workerId);
      if (!answered) {
        stale.push(snapshot.worker);
      }
      inputs.push({ worker: snapshot.worker, metrics: snapshot.metrics, cumulativeOnly: !answered });
    }
    for (const worker of workers) {
      this.noteStaleness(worker.id, fresh.has(worker.id));
    }
    if (this.retired.size > 0) {
      inputs.push({ worker: 'retired', metrics: [...this.retired.values()], cumulativeOnly: true });
    }
    for (const registry of this.options.registries ?? []) {
      try {
        inputs.push({ worker: 'primary', metrics: decodeSeries(await registrySeries(registry)) });
      } catch (error) {
        this.log(`telemetry: the primary's own registry could not be read: ${errorMessage(error)}`);
      }
    }
    Object.assign(this.status, {
      workers: workers.length,
      answered: workers.filter((w) => fresh.has(w.id)).length,
      stale,
      retired: this.retiredIds.size,
      lastCollectedAt: Date.now(),
    });
    try {
      const body = await mergeClusterMetrics(inputs, this.contentType);
      delete this.status.lastError;
      return { contentType: this.contentType, body };
    } catch (error) {
      const message = errorMessage(error);
      if (this.status.lastError !== message) {
        this.log(`telemetry: the workers' metrics could not be merged: ${message}`);
      }
      this.status.lastError = message;
      throw error;
    }
  }

  private connectedWorkers(): ClusterWorkerHandle[] {
    const connected: ClusterWorkerHandle[] = [];
    for (const worker of Object.values(this.cluster.workers ?? {})) {
      try {
        if (worker && worker.isConnected()) {
          connected.push(worker);
        }
      } catch {
        // a worker that cannot say is not asked
      }
    }
    return connected;
  }

  private noteStaleness(workerId: number, answered: boolean): void {
    if (answered) {
      this.staleWorkers.delete(workerId);
    } else if (!this.staleWorkers.has(workerId)) {
      this.staleWorkers.add(workerId);
      const label = this.snapshots.get(workerId)?.worker ?? `#${workerId}`;
      this.log(
        `telemetry: cluster worker ${label} did not answer for metrics within ${this.timeoutMs} ms; its last counters are served, its gauges left out`
      );
    }
  }

  private readonly onMessage = (worker: ClusterWorkerHandle, message: unknown): void => {
    try {
      const m = message as { type?: unknown; id?: unknown } | null;
      if (typeof m !== 'object' || m === null || typeof m.id !== 'number') {
        return;
      }
      if (m.type === MESSAGE.response) {
        this.onResponse(worker, m as { id: number; worker?: unknown; metrics?: unknown; error?: unknown });
      } else if (m.type === MESSAGE.aggregateRequest) {
        this.onAggregateRequest(worker, m.id);
      }
    } catch (error) {
      this.log(`telemetry: a cluster metrics message could not be handled: ${errorMessage(error)}`);
    }
  };

  private onResponse(
    worker: ClusterWorkerHandle,
    message: { id: number; worker?: unknown; metrics?: unknown; error?: unknown }
  ): void {
    if (this.retiredIds.has(worker.id) || message.id < 1 || message.id > this.sequence) {
      return; // a worker that exited, or an answer to nothing this primary asked
    }
    const pending = this.pending.get(message.id);
    if (message.error !== undefined) {
      this.log(`telemetry: cluster worker #${worker.id} could not read its metrics: ${safeString(message.error)}`);
    } else {
      const known = this.snapshots.get(worker.id);
      // A late answer still updates the worker's last known series, unless a newer one came first.
      if (!known || known.request <= message.id) {
        const label = safeString(message.worker ?? worker.id).slice(0, 64) || String(worker.id);
        this.snapshots.set(worker.id, { worker: label, metrics: decodeSeries(message.metrics), request: message.id });
      }
      pending?.fresh.add(worker.id);
    }
    if (pending) {
      pending.waiting.delete(worker.id);
      pending.check();
    }
  }

  private onAggregateRequest(worker: ClusterWorkerHandle, id: number): void {
    const reply = (message: Record<string, unknown>) => {
      try {
        if (worker.isConnected()) {
          worker.send({ type: MESSAGE.aggregateResponse, id, ...message }, () => undefined);
        }
      } catch {
        // the worker is gone; nobody waits for this answer
      }
    };
    this.metrics().then(
      ({ contentType, body }) => reply({ contentType, body }),
      (error: unknown) => reply({ error: errorMessage(error) })
    );
  }

  private readonly onExit = (worker: ClusterWorkerHandle): void => {
    try {
      this.retiredIds.add(worker.id);
      this.staleWorkers.delete(worker.id);
      const snapshot = this.snapshots.get(worker.id);
      if (snapshot) {
        addCumulative(this.retired, snapshot.metrics);
        this.snapshots.delete(worker.id);
      }
      for (const pending of this.pending.values()) {
        pending.waiting.delete(worker.id);
        pending.check();
      }
    } catch (error) {
      this.log(`telemetry: a cluster worker's exit could not be handled: ${errorMessage(error)}`);
    }
  };

  private log(message: string): void {
    callSafely(this.options.logger, message);
  }
}

// ---------------------------------------------------------------------------------------------
// The workers
// ---------------------------------------------------------------------------------------------

/** What a worker needs of `process` (injectable for tests). */
export interface WorkerProcessLike {
  send?: (message: unknown, callback?: (error: Error | null) => void) => boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

export interface ClusterMetricsWorkerOptions {
  /**
   * This worker's `worker` label on per-worker series; default the cluster worker id. A stable
   * slot number (0 … N−1, kept by a replacement) keeps those series across restarts.
   */
  worker?: string;
  /** How long `metrics()` waits for the primary's merged answer, ms; default 5000 (more than the primary's). */
  timeoutMs?: number;
  logger?: (message: string) => void;
  /** `process` unless given (tests). */
  process?: WorkerProcessLike;
  /** Whether this process is a cluster worker; node:cluster's `isWorker` unless given (tests). */
  isWorker?: boolean;
}

/** A registry or registries whose series a worker sends: a MemoryTelemetry's, or your own. */
export type MetricsSource = { registry: Registry<any> } | Registry<any> | ReadonlyArray<Registry<any>>;

function registriesOf(source: MetricsSource): Array<Registry<any>> {
  const given: unknown[] = Array.isArray(source)
    ? [...source]
    : [source instanceof Registry ? source : (source as { registry?: unknown } | undefined)?.registry];
  return given.filter((r): r is Registry<any> => r instanceof Registry);
}

/**
 * Runs in each cluster worker: answers the primary's requests for this worker's series, and
 * serves the cluster's merged series (asked from the primary) on the worker's own `/metrics`,
 * so that the service's port answers for every worker whichever worker takes the scrape.
 * Outside a cluster, `metrics()` answers this process's own series. Never throws into the host.
 */
export class ClusterMetricsWorker {
  private readonly registries: Array<Registry<any>>;
  private readonly process: WorkerProcessLike;
  private readonly isWorker: boolean;
  private readonly timeoutMs: number;
  readonly worker: string;
  private readonly pending = new Map<
    number,
    (answer: { contentType?: unknown; body?: unknown; error?: unknown }) => void
  >();
  private sequence = 0;
  private started = false;

  constructor(
    source: MetricsSource,
    private readonly options: ClusterMetricsWorkerOptions = {}
  ) {
    this.registries = registriesOf(source);
    this.process = options.process ?? (process as unknown as WorkerProcessLike);
    this.isWorker = options.isWorker ?? nodeCluster.isWorker;
    this.timeoutMs = validTimeout(options.timeoutMs, 5000);
    this.worker = safeString(options.worker ?? nodeCluster.worker?.id ?? process.pid).slice(0, 64);
  }

  /** Starts answering the primary. */
  start(): this {
    if (!this.started && this.isWorker) {
      this.started = true;
      this.process.on('message', this.onMessage);
    }
    return this;
  }

  stop(): void {
    if (this.started) {
      this.started = false;
      this.process.off('message', this.onMessage);
      for (const answer of this.pending.values()) {
        answer({ error: 'stopped' });
      }
    }
  }

  /**
   * The cluster's merged series, from the primary (its ClusterMetricsPrimary); in a process
   * that is not a started cluster worker, this process's own. Rejects when the primary does not
   * answer within `timeoutMs`.
   */
  metrics(): Promise<Exposition> {
    if (!this.started || typeof this.process.send !== 'function') {
      return this.local();
    }
    const id = ++this.sequence;
    return new Promise<Exposition>((resolve, reject) => {
      const timer = setTimeout(
        () => finish({ error: `the cluster primary did not answer within ${this.timeoutMs} ms` }),
        this.timeoutMs
      );
      const finish = (answer: { contentType?: unknown; body?: unknown; error?: unknown }) => {
        clearTimeout(timer);
        this.pending.delete(id);
        if (answer.error === undefined && typeof answer.body === 'string' && typeof answer.contentType === 'string') {
          resolve({ contentType: answer.contentType, body: answer.body });
        } else {
          reject(new Error(safeString(answer.error ?? 'the cluster primary answered nothing usable')));
        }
      };
      this.pending.set(id, finish);
      this.send({ type: MESSAGE.aggregateRequest, id }, (error) =>
        finish({ error: `the cluster primary could not be asked: ${errorMessage(error)}` })
      );
    });
  }

  /** A `/metrics` handler for node:http and Express: the cluster's merged series, or 503. */
  handler(): (req: IncomingMessage, res: ServerResponse) => void {
    return expositionHandler(() => this.metrics());
  }

  private async local(): Promise<Exposition> {
    const [first] = this.registries;
    if (!first) {
      return { contentType: Registry.PROMETHEUS_CONTENT_TYPE, body: '' };
    }
    if (this.registries.length === 1) {
      return { contentType: first.contentType, body: await first.metrics() };
    }
    const merged = Registry.merge(this.registries as Array<Registry<any>>);
    return { contentType: merged.contentType, body: await merged.metrics() };
  }

  private readonly onMessage = (message: unknown): void => {
    try {
      const m = message as { type?: unknown; id?: unknown } | null;
      if (typeof m !== 'object' || m === null || typeof m.id !== 'number') {
        return;
      }
      if (m.type === MESSAGE.request) {
        this.answer(m.id);
      } else if (m.type === MESSAGE.aggregateResponse) {
        this.pending.get(m.id)?.(m as { contentType?: unknown; body?: unknown; error?: unknown });
      }
    } catch (error) {
      callSafely(
        this.options.logger,
        `telemetry: a cluster metrics message could not be handled: ${errorMessage(error)}`
      );
    }
  };

  private answer(id: number): void {
    Promise.all(this.registries.map((registry) => registrySeries(registry))).then(
      (lists) => this.send({ type: MESSAGE.response, id, worker: this.worker, metrics: lists.flat() }),
      (error: unknown) => this.send({ type: MESSAGE.response, id, worker: this.worker, error: errorMessage(error) })
    );
  }

  private send(message: unknown, onError?: (error: unknown) => void): void {
    try {
      this.process.send?.(message, (error) => {
        if (error) {
          onError?.(error);
        }
      });
    } catch (error) {
      onError?.(error);
    }
  }
}
