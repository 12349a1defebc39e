import { randomBytes } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import { Client } from '@elastic/elasticsearch';
import { dailyIndex, enrichEvent, type AiEvent, type EnrichedEvent } from './enrich.js';
import {
  installAiEventsTemplate,
  resolveDataStream,
  runDataStreamLifecycle,
  type EsClientLike,
  type LifecycleReport,
  type ResolvedDataStream,
  type TemplateOptions,
} from './indexTemplate.js';
import type { MemoryTelemetry } from './memoryTelemetry.js';
import { errorMessage } from './safeText.js';
import {
  MEMORY_CONTENT_LIMIT,
  protect,
  protectAgentId,
  protectMemoryId,
  resolvePrivacy,
  type PrivacyOptions,
  type ResolvedPrivacy,
} from './privacy.js';

export interface AiEventLoggerOptions extends TemplateOptions {
  /** The user's own client (an 8.x client for an 8.x cluster); or give `node`. */
  client?: EsClientLike;
  /**
   * Elasticsearch URL for a client the logger creates (and closes); several URLs (the nodes of a
   * cluster) spread the requests and let a batch go to another node when one is down.
   */
  node?: string | string[];
  /** Sends a batch when this many events wait; default 500. */
  batchSize?: number;
  /** Sends what waits at least this often; default 1000 ms. */
  flushIntervalMs?: number;
  /** Events kept while Elasticsearch is slow or down; beyond it new events are dropped and counted. */
  maxQueue?: number;
  /** Attempts per batch before its events are dropped; default 3. */
  retries?: number;
  /** First back-off between attempts, doubled each time; default 200 ms. */
  backoffMs?: number;
  /** Installs the index template on first use; default true. */
  installTemplate?: boolean;
  /** Counts indexed and dropped events on the catalog metrics. */
  telemetry?: MemoryTelemetry;
  logger?: (message: string) => void;
  /** Added to every event, e.g. `{ service: 'memory-api' }`. */
  defaults?: Record<string, unknown>;
  /** Bytes of events kept while Elasticsearch is slow or down (an estimate of their JSON); default 16 MiB. */
  maxQueueBytes?: number;
  /** What of the user leaves the process: by default user ids hashed, query text not sent. */
  privacy?: PrivacyOptions;
  /**
   * Called after each batch with the ids (`_id`, as `log()` returned them) of the events
   * Elasticsearch acknowledged: created, or found already there from an earlier attempt of the
   * same batch. An event never acknowledged was dropped and counted.
   */
  onAcknowledged?: (ids: string[]) => void;
}

/**
 * A new event id: 6 bytes of the time in milliseconds, then 10 random bytes, base64url (22
 * characters). Ids that grow with time keep Elasticsearch's id lookups cheap, as its own ids do.
 */
export function newEventId(now = Date.now()): string {
  const id = randomBytes(16);
  id.writeUIntBE(now, 0, 6);
  return id.toString('base64url');
}

/** A bulk item that failed because a document of that id exists: an earlier attempt created it. */
function alreadyCreated(item: { status?: number; error?: { type?: string } | null }): boolean {
  return item.status === 409 && item.error?.type === 'version_conflict_engine_exception';
}

/** A cheap estimate of an event's JSON size: string lengths plus a little per field. */
export function estimateEventBytes(event: Record<string, unknown>): number {
  let bytes = 2;
  for (const key in event) {
    const value = event[key];
    bytes += key.length + 4;
    if (typeof value === 'string') {
      bytes += value.length + 2;
    } else if (value !== null && typeof value === 'object') {
      bytes += JSON.stringify(value)?.length ?? 4;
    } else {
      bytes += 8;
    }
  }
  return bytes;
}

function setOrDelete(event: EnrichedEvent, field: string, value: unknown): void {
  if (value === undefined) {
    delete event[field];
  } else {
    event[field] = value;
  }
}

/**
 * A memory's text (`old_content` / `new_content`) as the policy says: its keyed hash unless
 * dropped, the text itself, cut, only when kept. The hash covers the whole text, so two events
 * of the same content compare equal whatever the cut.
 */
function protectMemoryContent(event: EnrichedEvent, which: 'old' | 'new', privacy: ResolvedPrivacy): void {
  const field = `${which}_content`;
  const text = event[field];
  delete event[field];
  if (typeof text !== 'string') {
    return;
  }
  const handling = privacy.memoryContent;
  setOrDelete(event, `${field}_hash`, handling === 'drop' ? undefined : privacy.hash(text));
  if (handling === 'keep') {
    event[field] = text.slice(0, MEMORY_CONTENT_LIMIT);
  }
}

/**
 * AI events to Elasticsearch: enriched as the guide's Logstash pipeline did, batched by size and
 * time, bulk-indexed into daily `ai-events-YYYY.MM.DD` indices (or a data stream, `dataStream`)
 * with the client's bulk helper. `log()` never blocks and never throws: a bounded queue takes the
 * event and a background flush sends it; when Elasticsearch is down, batches are retried with
 * back-off and then dropped, and every drop is counted. Each event has an id of its own (`_id`,
 * created with the `create` action), so a batch sent again after a failure (a node stopped
 * mid-request) indexes each event once: what an earlier attempt created answers 409 and counts as
 * acknowledged, and only the events not yet acknowledged are sent again.
 */
export class AiEventLogger {
  private readonly client: EsClientLike;
  private readonly ownsClient: boolean;
  private readonly queue: EnrichedEvent[] = [];
  private readonly sizes: number[] = [];
  private queuedBytes = 0;
  private readonly maxQueueBytes: number;
  private readonly privacy: ResolvedPrivacy;
  private readonly timer: NodeJS.Timeout;
  private readonly options: Required<
    Pick<AiEventLoggerOptions, 'batchSize' | 'flushIntervalMs' | 'maxQueue' | 'retries' | 'backoffMs' | 'indexPrefix'>
  >;
  private flushing: Promise<void> | undefined;
  private templateReady: Promise<void> | undefined;
  private closed = false;
  private readonly warn: (message: string) => void;
  /** Each queued event's id; keyed by the event object, which the queue holds until it is sent. */
  private readonly ids = new WeakMap<EnrichedEvent, string>();
  private readonly dataStream: ResolvedDataStream | undefined;
  /** Set once the template says the SDK runs the data stream's rollover and retention. */
  private lifecycleTimer: NodeJS.Timeout | undefined;
  private lifecycleRun: Promise<LifecycleReport | undefined> | undefined;

  constructor(private readonly config: AiEventLoggerOptions) {
    if (!config.client && !config.node) {
      throw new Error('AiEventLogger needs an Elasticsearch client or a node URL');
    }
    this.dataStream = resolveDataStream(config);
    this.client =
      config.client ??
      (new Client({
        node: config.node!,
        requestTimeout: 5000,
        // With several nodes, a request whose connection fails goes to the next node at once (a
        // timed-out one is not sent again); the logger's own attempts and back-off come after.
        maxRetries: Array.isArray(config.node) ? Math.max(0, config.node.length - 1) : 0,
      }) as unknown as EsClientLike);
    this.ownsClient = !config.client;
    this.options = {
      batchSize: config.batchSize ?? 500,
      flushIntervalMs: config.flushIntervalMs ?? 1000,
      maxQueue: config.maxQueue ?? 10_000,
      retries: config.retries ?? 3,
      backoffMs: config.backoffMs ?? 200,
      indexPrefix: config.indexPrefix ?? 'ai-events',
    };
    // The host's hook may throw: a warning must never turn a flush or a lifecycle pass into a rejection.
    this.warn = (message) => {
      try {
        config.logger?.(message);
      } catch {
        // nothing left to tell
      }
    };
    this.maxQueueBytes = config.maxQueueBytes ?? 16 * 1024 * 1024;
    this.privacy = resolvePrivacy(config.privacy);
    // Every drop reason exists from the start (at 0), so that rate() and alerts see the series.
    for (const reason of ['queue_full', 'unavailable', 'rejected', 'closed', 'invalid']) {
      this.drop(reason, 0);
    }
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  /**
   * Queues one event; returns at once, never throws. Returns the event's id (its `_id` in
   * Elasticsearch, as `onAcknowledged` reports it), or undefined when the event was not queued.
   */
  log(event: AiEvent): string | undefined {
    try {
      if (this.closed) {
        this.drop('closed', 1);
        return undefined;
      }
      if (this.queue.length >= this.options.maxQueue) {
        this.drop('queue_full', 1);
        return undefined;
      }
      const span = trace.getActiveSpan()?.spanContext();
      const enriched = this.protect(
        enrichEvent({ ...this.config.defaults, ...event }, { traceId: span?.traceId, spanId: span?.spanId })
      );
      if (!enriched) {
        return undefined; // the host's redaction hook dropped it
      }
      const bytes = estimateEventBytes(enriched);
      if (this.queuedBytes + bytes > this.maxQueueBytes) {
        this.drop('queue_full', 1);
        return undefined;
      }
      // A redaction hook may hand back one object for two events: each queued event is its own.
      const doc = this.ids.has(enriched) ? { ...enriched } : enriched;
      const id = newEventId();
      this.ids.set(doc, id);
      this.queue.push(doc);
      this.sizes.push(bytes);
      this.queuedBytes += bytes;
      if (this.queue.length >= this.options.batchSize) {
        setImmediate(() => void this.flush());
      }
      return id;
    } catch (error) {
      // The event, a redaction hook or the logger is the host's: none of them may throw back.
      try {
        this.drop('invalid', 1);
        this.warn(`telemetry: an AI event could not be queued: ${errorMessage(error)}`);
      } catch {
        // nothing left to tell
      }
      return undefined;
    }
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Estimated bytes of the events waiting. */
  get pendingBytes(): number {
    return this.queuedBytes;
  }

  /** Applies the privacy policy after enrichment (patterns and the agent split read the raw values first). */
  private protect(event: EnrichedEvent): EnrichedEvent | undefined {
    const out: EnrichedEvent = { ...event };
    const userId = protect(event.user_id, this.privacy.userId, this.privacy);
    if (userId === undefined) {
      delete out.user_id;
    } else {
      out.user_id = userId;
    }
    out.agent_id = protectAgentId(event.agent_id, this.privacy) as EnrichedEvent['agent_id'];
    const query = protect(event.query, this.privacy.queryText, this.privacy);
    if (query === undefined) {
      delete out.query;
    } else {
      out.query = query;
    }
    if (out.agent_id === undefined) {
      delete out.agent_id;
    }
    setOrDelete(out, 'memory_id', protectMemoryId(event.memory_id, this.privacy));
    protectMemoryContent(out, 'old', this.privacy);
    protectMemoryContent(out, 'new', this.privacy);
    return this.privacy.redactEvent ? (this.privacy.redactEvent(out) as EnrichedEvent | undefined) : out;
  }

  /** Sends everything queued now; resolves when sent or dropped. Never rejects. */
  flush(): Promise<void> {
    if (!this.flushing) {
      this.flushing = this.drain().finally(() => {
        this.flushing = undefined;
      });
    }
    return this.flushing;
  }

  /** Flushes and stops; closes the client only if the logger created it. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.lifecycleTimer);
    await this.flush();
    await this.lifecycleRun;
    this.closed = true;
    if (this.ownsClient) {
      await this.client.close?.().catch(() => undefined);
    }
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.batchSize);
      for (const bytes of this.sizes.splice(0, batch.length)) {
        this.queuedBytes -= bytes;
      }
      await this.send(batch);
    }
  }

  private async ensureTemplate(): Promise<void> {
    if (this.config.installTemplate === false) {
      return;
    }
    this.templateReady ??= installAiEventsTemplate(this.client, { ...this.config, logger: this.warn }).then(
      (installed) => {
        if (installed.sdkLifecycle && !this.lifecycleTimer && !this.closed) {
          this.lifecycleTimer = setInterval(() => void this.maintainDataStream(), this.dataStream!.checkIntervalMs);
          this.lifecycleTimer.unref();
        }
      },
      (error: Error) => {
        this.templateReady = undefined;
        throw error;
      }
    );
    await this.templateReady;
  }

  /**
   * One pass of the data stream's rollover and retention as the SDK runs them where Elasticsearch
   * has no lifecycle of its own (it runs every `dataStream.checkIntervalMs` then; call it to run
   * one now). Resolves with what it did, or undefined without a data stream or on an error (told
   * through `logger`); never rejects.
   */
  maintainDataStream(now?: number): Promise<LifecycleReport | undefined> {
    const dataStream = this.dataStream;
    if (!dataStream) {
      return Promise.resolve(undefined);
    }
    this.lifecycleRun ??= runDataStreamLifecycle(this.client, dataStream, now)
      .then(
        (report) => {
          if (report.rolledOver || report.deleted.length > 0) {
            this.warn(
              `telemetry: data stream ${dataStream.name}: ${report.rolledOver ? 'rolled over' : 'not rolled over'}` +
                (report.deleted.length > 0
                  ? `, deleted ${report.deleted.join(', ')} (past ${dataStream.retention})`
                  : '')
            );
          }
          return report;
        },
        (error: Error) => {
          this.warn(`telemetry: data stream ${dataStream.name}: rollover or retention failed: ${errorMessage(error)}`);
          return undefined;
        }
      )
      .finally(() => {
        this.lifecycleRun = undefined;
      });
    return this.lifecycleRun;
  }

  /** Where an event goes: the data stream, or the daily index of its timestamp. */
  private target(doc: EnrichedEvent): string {
    return this.dataStream ? this.dataStream.name : dailyIndex(this.options.indexPrefix, doc['@timestamp']);
  }

  /**
   * Sends a batch, attempt after attempt, each time only its events not yet acknowledged or
   * rejected; whatever is left after the last attempt is dropped as unavailable.
   */
  private async send(batch: EnrichedEvent[]): Promise<void> {
    const acknowledged = new Set<string>();
    const rejected = new Set<string>();
    const idOf = (doc: EnrichedEvent) => this.ids.get(doc) as string;
    let pending = batch;
    try {
      for (let attempt = 1; attempt <= this.options.retries; attempt++) {
        try {
          await this.ensureTemplate();
          let confirmed = 0;
          const result = await this.client.helpers.bulk({
            datasource: pending,
            onDocument: (doc: EnrichedEvent) => ({ create: { _index: this.target(doc), _id: idOf(doc) } }),
            onSuccess: ({ result: item }: { result: Record<string, { _id?: string }> }) => {
              const id = Object.values(item)[0]?._id;
              if (id !== undefined) {
                acknowledged.add(id);
                confirmed++;
              }
            },
            onDrop: (dropped: { status?: number; error?: { type?: string } | null; operation?: any }) => {
              const id = dropped.operation?.create?._id;
              if (id !== undefined) {
                (alreadyCreated(dropped) ? acknowledged : rejected).add(id);
              }
            },
            retries: 2,
            wait: this.options.backoffMs,
            flushBytes: 5_000_000,
            // A data stream is never replaced by a plain index of its name (the template missing).
            ...(this.dataStream ? { require_data_stream: true } : {}),
          });
          if (confirmed < result.successful) {
            // A client whose helper does not report each success: all it did not drop went in.
            for (const doc of pending) {
              if (!rejected.has(idOf(doc))) {
                acknowledged.add(idOf(doc));
              }
            }
          }
          return;
        } catch (error) {
          pending = pending.filter((doc) => !acknowledged.has(idOf(doc)) && !rejected.has(idOf(doc)));
          if (attempt === this.options.retries || pending.length === 0) {
            if (pending.length > 0) {
              this.drop('unavailable', pending.length);
              this.warn(
                `telemetry: dropped ${pending.length} AI events after ${attempt} attempts: ${(error as Error).message}`
              );
            }
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, this.options.backoffMs * 2 ** (attempt - 1)).unref());
        }
      }
    } finally {
      this.countIndexed(acknowledged.size);
      if (rejected.size > 0) {
        this.drop('rejected', rejected.size);
      }
      this.acknowledge(acknowledged);
    }
  }

  private acknowledge(ids: Set<string>): void {
    if (ids.size === 0 || !this.config.onAcknowledged) {
      return;
    }
    try {
      this.config.onAcknowledged([...ids]);
    } catch (error) {
      this.warn(`telemetry: onAcknowledged threw: ${errorMessage(error)}`);
    }
  }

  private countIndexed(n: number): void {
    try {
      this.config.telemetry?.metrics.eventsIndexed.inc(n);
    } catch {
      // metrics must not break event delivery
    }
  }

  private drop(reason: string, n: number): void {
    try {
      this.config.telemetry?.metrics.eventsDropped.inc({ reason }, n);
    } catch {
      // metrics must not break event delivery
    }
  }
}
