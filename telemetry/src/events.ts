import { trace } from '@opentelemetry/api';
import { Client } from '@elastic/elasticsearch';
import { dailyIndex, enrichEvent, type AiEvent, type EnrichedEvent } from './enrich.js';
import { installAiEventsTemplate, type EsClientLike, type TemplateOptions } from './indexTemplate.js';
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
  /** Elasticsearch URL for a client the logger creates (and closes). */
  node?: string;
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
 * time, bulk-indexed into daily `ai-events-YYYY.MM.DD` indices with the client's bulk helper.
 * `log()` never blocks and never throws: a bounded queue takes the event and a background flush
 * sends it; when Elasticsearch is down, batches are retried with back-off and then dropped, and
 * every drop is counted.
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

  constructor(private readonly config: AiEventLoggerOptions) {
    if (!config.client && !config.node) {
      throw new Error('AiEventLogger needs an Elasticsearch client or a node URL');
    }
    this.client =
      config.client ??
      (new Client({ node: config.node!, requestTimeout: 5000, maxRetries: 0 }) as unknown as EsClientLike);
    this.ownsClient = !config.client;
    this.options = {
      batchSize: config.batchSize ?? 500,
      flushIntervalMs: config.flushIntervalMs ?? 1000,
      maxQueue: config.maxQueue ?? 10_000,
      retries: config.retries ?? 3,
      backoffMs: config.backoffMs ?? 200,
      indexPrefix: config.indexPrefix ?? 'ai-events',
    };
    this.warn = config.logger ?? (() => undefined);
    this.maxQueueBytes = config.maxQueueBytes ?? 16 * 1024 * 1024;
    this.privacy = resolvePrivacy(config.privacy);
    // Every drop reason exists from the start (at 0), so that rate() and alerts see the series.
    for (const reason of ['queue_full', 'unavailable', 'rejected', 'closed', 'invalid']) {
      this.drop(reason, 0);
    }
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs);
    this.timer.unref();
  }

  /** Queues one event; returns at once, never throws. */
  log(event: AiEvent): void {
    try {
      if (this.closed) {
        this.drop('closed', 1);
        return;
      }
      if (this.queue.length >= this.options.maxQueue) {
        this.drop('queue_full', 1);
        return;
      }
      const span = trace.getActiveSpan()?.spanContext();
      const enriched = this.protect(
        enrichEvent({ ...this.config.defaults, ...event }, { traceId: span?.traceId, spanId: span?.spanId })
      );
      if (!enriched) {
        return; // the host's redaction hook dropped it
      }
      const bytes = estimateEventBytes(enriched);
      if (this.queuedBytes + bytes > this.maxQueueBytes) {
        this.drop('queue_full', 1);
        return;
      }
      this.queue.push(enriched);
      this.sizes.push(bytes);
      this.queuedBytes += bytes;
      if (this.queue.length >= this.options.batchSize) {
        setImmediate(() => void this.flush());
      }
    } catch (error) {
      // The event, a redaction hook or the logger is the host's: none of them may throw back.
      try {
        this.drop('invalid', 1);
        this.warn(`telemetry: an AI event could not be queued: ${errorMessage(error)}`);
      } catch {
        // nothing left to tell
      }
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
    await this.flush();
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
      () => undefined,
      (error: Error) => {
        this.templateReady = undefined;
        throw error;
      }
    );
    await this.templateReady;
  }

  private async send(batch: EnrichedEvent[]): Promise<void> {
    let failedDocs = 0;
    for (let attempt = 1; attempt <= this.options.retries; attempt++) {
      try {
        await this.ensureTemplate();
        failedDocs = 0;
        const result = await this.client.helpers.bulk({
          datasource: batch,
          onDocument: (doc: EnrichedEvent) => ({
            create: { _index: dailyIndex(this.options.indexPrefix, doc['@timestamp']) },
          }),
          onDrop: () => {
            failedDocs++;
          },
          retries: 2,
          wait: this.options.backoffMs,
          flushBytes: 5_000_000,
        });
        this.countIndexed(result.successful);
        if (failedDocs > 0) {
          this.drop('rejected', failedDocs);
        }
        return;
      } catch (error) {
        if (attempt === this.options.retries) {
          this.drop('unavailable', batch.length);
          this.warn(
            `telemetry: dropped ${batch.length} AI events after ${attempt} attempts: ${(error as Error).message}`
          );
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, this.options.backoffMs * 2 ** (attempt - 1)).unref());
      }
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
