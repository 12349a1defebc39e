import { EVENT_FIELDS } from './catalog.js';

/**
 * The guide's `ai_events` index template as a composable template. Its custom query analyzer
 * (lowercase, stop, snowball) needs Elasticsearch's analysis-common module, which every full
 * distribution has and the minimal integ-test server lacks: there the template goes in without
 * it, and a warning says so.
 */
export interface EsClientLike {
  helpers: { bulk(options: any): Promise<{ total: number; successful: number; failed: number; aborted: boolean }> };
  indices: {
    putIndexTemplate(request: any): Promise<unknown>;
    /** The data stream's own lifecycle (rollover, retention) when Elasticsearch cannot run it. */
    rollover?(request: any): Promise<any>;
    resolveIndex?(request: any): Promise<any>;
    getSettings?(request: any): Promise<any>;
    delete?(request: any): Promise<unknown>;
  };
  nodes: { info(request: any): Promise<any> };
  close?(): Promise<void>;
}

export interface TemplateOptions {
  indexPrefix?: string;
  shards?: number;
  replicas?: number;
  /**
   * AI events to a data stream instead of daily indices: `true` for the defaults, or its settings.
   * Daily `ai-events-YYYY.MM.DD` indices stay the default.
   */
  dataStream?: boolean | DataStreamOptions;
}

/** Elasticsearch's rollover conditions: the write index rolls over when any is reached. */
export interface RolloverConditions {
  /** Age of the write index, e.g. '1d' (Elasticsearch time units: d, h, m, s, ms). */
  maxAge?: string;
  maxDocs?: number;
  /** Size of the write index's largest primary shard, e.g. '10gb'. */
  maxPrimaryShardSize?: string;
}

export interface DataStreamOptions {
  /** The data stream; default `<indexPrefix>-stream` (`ai-events-stream`), inside the data source's `ai-events-*`. */
  name?: string;
  /** When its write index rolls over; default `{ maxAge: '1d', maxPrimaryShardSize: '10gb' }`. */
  rollover?: RolloverConditions;
  /** How long a backing index is kept after it rolled over, e.g. '30d' (the default). */
  retention?: string;
  /**
   * Who rolls over and deletes: `elasticsearch`, its data stream lifecycle (the template carries
   * `lifecycle.data_retention`; rollover follows the cluster's `cluster.lifecycle.default.rollover`);
   * `sdk`, the logger itself (`_rollover` with the conditions above, then deletes the backing
   * indices past retention); `auto` (the default), Elasticsearch when every node has the
   * data-streams module, the SDK when not (minimal distributions such as the integ-test zip).
   */
  lifecycle?: 'auto' | 'elasticsearch' | 'sdk';
  /** How often the SDK checks rollover and retention when it runs the lifecycle; default 60 s. */
  checkIntervalMs?: number;
}

/** The data stream settings with their defaults, or undefined for daily indices. */
export interface ResolvedDataStream {
  name: string;
  rollover: RolloverConditions;
  retention: string;
  retentionMs: number;
  lifecycle: 'auto' | 'elasticsearch' | 'sdk';
  checkIntervalMs: number;
}

const TIME_UNITS_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** Milliseconds of an Elasticsearch time value such as '30d', '12h' or '90s'; undefined when not one. */
export function timeValueMs(text: string): number | undefined {
  let digits = 0;
  while (digits < text.length && text.charCodeAt(digits) >= 48 && text.charCodeAt(digits) <= 57) {
    digits++;
  }
  const unit = TIME_UNITS_MS[text.slice(digits)];
  return digits > 0 && digits <= 12 && unit !== undefined ? Number(text.slice(0, digits)) * unit : undefined;
}

const NAME_PUNCTUATION = new Set(['_', '.', '+', '-']);
const isLowerAlnum = (code: number) => (code >= 97 && code <= 122) || (code >= 48 && code <= 57);

/**
 * A data stream name the SDK accepts: Elasticsearch's rules, a little narrower (lowercase letters,
 * digits and `_ . + -`, starting with a letter or digit, at most 200 characters). A loop: the name
 * is the host's text.
 */
function isDataStreamName(name: string): boolean {
  if (name.length === 0 || name.length > 200 || !isLowerAlnum(name.charCodeAt(0))) {
    return false;
  }
  for (let i = 1; i < name.length; i++) {
    if (!isLowerAlnum(name.charCodeAt(i)) && !NAME_PUNCTUATION.has(name[i])) {
      return false;
    }
  }
  return true;
}

/** Checks the data stream options once, when the logger is made: a wrong one is the host's configuration error. */
export function resolveDataStream(options: TemplateOptions): ResolvedDataStream | undefined {
  if (!options.dataStream) {
    return undefined;
  }
  const given = options.dataStream === true ? {} : options.dataStream;
  const retention = given.retention ?? '30d';
  const retentionMs = timeValueMs(retention);
  if (retentionMs === undefined || retentionMs <= 0) {
    throw new Error(`dataStream.retention "${String(retention).slice(0, 40)}" is not a time such as 30d, 12h or 90m`);
  }
  const rollover = given.rollover ?? { maxAge: '1d', maxPrimaryShardSize: '10gb' };
  if (rollover.maxAge !== undefined && timeValueMs(rollover.maxAge) === undefined) {
    throw new Error(
      `dataStream.rollover.maxAge "${String(rollover.maxAge).slice(0, 40)}" is not a time such as 1d or 6h`
    );
  }
  const name = given.name ?? `${options.indexPrefix ?? 'ai-events'}-stream`;
  // Elasticsearch's naming rules for a data stream: lowercase, no leading "-", "_", "+" or ".".
  if (!isDataStreamName(name)) {
    throw new Error(
      `dataStream.name "${name.slice(0, 60)}" is not a valid data stream name (lowercase, e.g. ai-events-stream)`
    );
  }
  return {
    name,
    rollover,
    retention,
    retentionMs,
    lifecycle: given.lifecycle ?? 'auto',
    checkIntervalMs: given.checkIntervalMs ?? 60_000,
  };
}

export function aiEventsTemplate(withAnalyzer: boolean, options: TemplateOptions = {}) {
  const prefix = options.indexPrefix ?? 'ai-events';
  const settings: Record<string, unknown> = {
    number_of_shards: options.shards ?? 2,
    number_of_replicas: options.replicas ?? 1,
    'index.refresh_interval': '5s',
  };
  if (withAnalyzer) {
    settings.analysis = {
      analyzer: {
        ai_query_analyzer: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'stop', 'snowball'] },
      },
    };
  }
  const query = withAnalyzer
    ? { type: 'text', analyzer: 'ai_query_analyzer', fields: { keyword: { type: 'keyword', ignore_above: 1024 } } }
    : { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 1024 } } };
  return {
    name: prefix.replace(/-/g, '_'),
    index_patterns: [`${prefix}-*`],
    // A longer prefix is more specific: it wins over a shorter one whose pattern also matches
    // (Elasticsearch refuses two overlapping templates of the same priority).
    priority: 100 + prefix.length,
    _meta: { managed_by: '@memstack/telemetry', query_analyzer: withAnalyzer },
    template: {
      settings,
      mappings: {
        properties: Object.fromEntries(
          Object.entries(EVENT_FIELDS).map(([field, type]) => [field, field === 'query' ? query : { type }])
        ),
      },
    },
  };
}

/** The modules every node of the cluster has (a module on some nodes only cannot be relied on). */
export async function clusterModules(client: EsClientLike): Promise<Set<string>> {
  const info = await client.nodes.info({ filter_path: 'nodes.*.modules.name' });
  const body = info?.body ?? info;
  const nodes = Object.values(body?.nodes ?? {}) as Array<{ modules?: Array<{ name: string }> }>;
  const names = nodes.map((n) => new Set((n.modules ?? []).map((m) => m.name)));
  return new Set(names.length === 0 ? [] : [...names[0]].filter((name) => names.every((set) => set.has(name))));
}

/** Whether every node of the cluster has the analysis-common module. */
export async function hasAnalysisCommon(client: EsClientLike): Promise<boolean> {
  return (await clusterModules(client)).has('analysis-common');
}

/**
 * The data stream's template: the same mappings and settings as the daily indices', `data_stream:
 * {}`, and, when Elasticsearch runs the lifecycle, `lifecycle.data_retention`. It names the data
 * stream exactly, above the daily template's priority (whose `<prefix>-*` also matches the name).
 */
export function aiEventsDataStreamTemplate(
  withAnalyzer: boolean,
  dataStream: ResolvedDataStream,
  elasticsearchLifecycle: boolean,
  options: TemplateOptions = {}
) {
  const daily = aiEventsTemplate(withAnalyzer, options);
  return {
    name: `${[...dataStream.name].map((c) => (NAME_PUNCTUATION.has(c) ? '_' : c)).join('')}_data_stream`,
    index_patterns: [dataStream.name],
    data_stream: {},
    priority: 500,
    _meta: {
      ...daily._meta,
      lifecycle: elasticsearchLifecycle ? 'elasticsearch' : 'sdk',
      retention: dataStream.retention,
    },
    template: {
      ...daily.template,
      ...(elasticsearchLifecycle ? { lifecycle: { data_retention: dataStream.retention } } : {}),
    },
  };
}

/** What the template installation found and did. */
export interface InstalledTemplate {
  name: string;
  analyzer: boolean;
  /** With a data stream: whether the SDK must run its rollover and retention (no data stream lifecycle in Elasticsearch). */
  sdkLifecycle?: boolean;
}

/** Installs the template (the data stream's, when one is asked for); returns whether the query analyzer is in it. */
export async function installAiEventsTemplate(
  client: EsClientLike,
  options: TemplateOptions & { logger?: (message: string) => void } = {}
): Promise<InstalledTemplate> {
  const modules = await clusterModules(client);
  const analyzer = modules.has('analysis-common');
  if (!analyzer) {
    options.logger?.(
      'telemetry: Elasticsearch lacks the analysis-common module (a minimal distribution), so the ai_events template ' +
        'is installed without ai_query_analyzer; "query" uses the standard analyzer there'
    );
  }
  const dataStream = resolveDataStream(options);
  if (!dataStream) {
    const { name, ...body } = aiEventsTemplate(analyzer, options);
    await client.indices.putIndexTemplate({ name, ...body });
    return { name, analyzer };
  }
  // The data stream lifecycle service lives in Elasticsearch's data-streams module.
  const hasLifecycle = modules.has('data-streams');
  const elasticsearchLifecycle =
    dataStream.lifecycle === 'elasticsearch' || (dataStream.lifecycle === 'auto' && hasLifecycle);
  if (dataStream.lifecycle === 'elasticsearch' && !hasLifecycle) {
    options.logger?.(
      `telemetry: dataStream.lifecycle is "elasticsearch" but not every node has the data-streams module: ` +
        `nothing will roll ${dataStream.name} over or delete its old backing indices`
    );
  }
  const { name, ...body } = aiEventsDataStreamTemplate(analyzer, dataStream, elasticsearchLifecycle, options);
  await client.indices.putIndexTemplate({ name, ...body });
  return { name, analyzer, sdkLifecycle: !elasticsearchLifecycle };
}

/** What one pass of the SDK's own lifecycle did. */
export interface LifecycleReport {
  rolledOver: boolean;
  /** Backing indices deleted, past retention. */
  deleted: string[];
}

const bodyOf = (response: any) => response?.body ?? response;

function errorType(error: unknown): string | undefined {
  const e = error as { meta?: { body?: { error?: { type?: string } } }; body?: { error?: { type?: string } } };
  return e?.meta?.body?.error?.type ?? e?.body?.error?.type;
}

/**
 * One pass of the data stream lifecycle run by the SDK where Elasticsearch has none (no ILM, no
 * data-streams module): a conditional `_rollover` of the write index (never of an empty one), then
 * the deletion of every backing index that rolled over longer than `retention` ago. A backing
 * index rolled over when its successor was created, the moment Elasticsearch's own lifecycle
 * counts retention from. Several processes may run it at once: a rollover whose conditions
 * another already met finds them unmet on the new write index, and a deletion another made first
 * is a 404, ignored.
 */
export async function runDataStreamLifecycle(
  client: EsClientLike,
  dataStream: ResolvedDataStream,
  now = Date.now()
): Promise<LifecycleReport> {
  const { rollover, resolveIndex, getSettings, delete: deleteIndex } = client.indices;
  if (!rollover || !resolveIndex || !getSettings || !deleteIndex) {
    throw new Error('the Elasticsearch client lacks indices.rollover, resolveIndex, getSettings or delete');
  }
  const conditions: Record<string, unknown> = { min_docs: 1 };
  if (dataStream.rollover.maxAge !== undefined) {
    conditions.max_age = dataStream.rollover.maxAge;
  }
  if (dataStream.rollover.maxDocs !== undefined) {
    conditions.max_docs = dataStream.rollover.maxDocs;
  }
  if (dataStream.rollover.maxPrimaryShardSize !== undefined) {
    conditions.max_primary_shard_size = dataStream.rollover.maxPrimaryShardSize;
  }
  let rolledOver = false;
  try {
    rolledOver =
      bodyOf(await rollover.call(client.indices, { alias: dataStream.name, conditions }))?.rolled_over === true;
  } catch (error) {
    // Nothing written yet: the data stream is made by the first event.
    if (errorType(error) === 'index_not_found_exception' || errorType(error) === 'resource_not_found_exception') {
      return { rolledOver: false, deleted: [] };
    }
    throw error;
  }
  const resolved = bodyOf(await resolveIndex.call(client.indices, { name: dataStream.name, expand_wildcards: 'all' }));
  const backing: string[] =
    (resolved?.data_streams ?? []).find((d: { name: string }) => d.name === dataStream.name)?.backing_indices ?? [];
  if (backing.length < 2) {
    return { rolledOver, deleted: [] };
  }
  const settings = bodyOf(
    await getSettings.call(client.indices, {
      index: dataStream.name,
      filter_path: '*.settings.index.creation_date',
      expand_wildcards: 'all',
    })
  );
  const created = (index: string) => Number(settings?.[index]?.settings?.index?.creation_date);
  const expired: string[] = [];
  // Oldest first; the last is the write index, which is never deleted.
  for (let i = 0; i < backing.length - 1; i++) {
    const rolledAt = created(backing[i + 1]);
    if (Number.isFinite(rolledAt) && now - rolledAt > dataStream.retentionMs) {
      expired.push(backing[i]);
    }
  }
  if (expired.length > 0) {
    await deleteIndex.call(client.indices, { index: expired.join(','), ignore_unavailable: true });
  }
  return { rolledOver, deleted: expired };
}
