import { EVENT_FIELDS } from './catalog.js';

/**
 * The guide's `ai_events` index template as a composable template. Its custom query analyzer
 * (lowercase, stop, snowball) needs Elasticsearch's analysis-common module, which every full
 * distribution has and the minimal integ-test server lacks: there the template goes in without
 * it, and a warning says so.
 */
export interface EsClientLike {
  helpers: { bulk(options: any): Promise<{ total: number; successful: number; failed: number; aborted: boolean }> };
  indices: { putIndexTemplate(request: any): Promise<unknown> };
  nodes: { info(request: any): Promise<any> };
  close?(): Promise<void>;
}

export interface TemplateOptions {
  indexPrefix?: string;
  shards?: number;
  replicas?: number;
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

/** Whether every node of the cluster has the analysis-common module. */
export async function hasAnalysisCommon(client: EsClientLike): Promise<boolean> {
  const info = await client.nodes.info({ filter_path: 'nodes.*.modules.name' });
  const body = info?.body ?? info;
  const nodes = Object.values(body?.nodes ?? {}) as Array<{ modules?: Array<{ name: string }> }>;
  return nodes.length > 0 && nodes.every((n) => (n.modules ?? []).some((m) => m.name === 'analysis-common'));
}

/** Installs the template; returns whether the query analyzer is in it. */
export async function installAiEventsTemplate(
  client: EsClientLike,
  options: TemplateOptions & { logger?: (message: string) => void } = {}
): Promise<{ name: string; analyzer: boolean }> {
  const analyzer = await hasAnalysisCommon(client);
  if (!analyzer) {
    options.logger?.(
      'telemetry: Elasticsearch lacks the analysis-common module (a minimal distribution), so the ai_events template ' +
        'is installed without ai_query_analyzer; "query" uses the standard analyzer there'
    );
  }
  const { name, ...body } = aiEventsTemplate(analyzer, options);
  await client.indices.putIndexTemplate({ name, ...body });
  return { name, analyzer };
}
