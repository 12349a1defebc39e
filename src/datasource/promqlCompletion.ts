import { EqlRegex, EqlSingle, Neq, NeqRegex } from '@prometheus-io/lezer-promql';
import type { PrometheusClient } from '@prometheus-io/codemirror-promql';
import { RESOURCE_PATHS, type MetricMetadataEntry } from '../../contract';
import { METRICS, metricOfSeries, seriesNames, type ReadableMetric } from '@memstack/telemetry/signals';
import { promStringEscape } from './templating';
import { ResourceLists, type ResourceSource } from './resourceLists';

/**
 * The PromQL editor's completion client: codemirror-promql's `PrometheusClient` on top of the
 * data source's resources, so completion goes through our backend (its credentials, limits and
 * breakers), never from the browser straight to Prometheus. Pure apart from `fetch`.
 */

/** A label matcher as codemirror-promql hands it over (type is a lezer-promql term id). */
export interface CompletionMatcher {
  type: number;
  name: string;
  value: string;
}

const OPERATORS: Record<number, string> = { [EqlSingle]: '=', [Neq]: '!=', [EqlRegex]: '=~', [NeqRegex]: '!~' };

/** `{__name__="m",a="b"}` from a metric name and matchers; undefined when there is nothing to narrow by. */
export function seriesSelector(metricName?: string, matchers: CompletionMatcher[] = [], except?: string) {
  const parts = [
    ...(metricName ? [`__name__="${promStringEscape(metricName, '"')}"`] : []),
    ...matchers
      .filter((m) => m.name !== except && m.name !== '__name__' && OPERATORS[m.type] && m.value !== '')
      .map((m) => `${m.name}${OPERATORS[m.type]}"${promStringEscape(m.value, '"')}"`),
  ];
  return parts.length ? `{${parts.join(',')}}` : undefined;
}

/** What the catalog says of a series name of ours: help, labels and type, for the completion list. */
export function catalogHelp(series: string): { type: string; help: string } | undefined {
  const found = metricOfSeries(series);
  if (!found) {
    return undefined;
  }
  const def = found.def as ReadableMetric & { help?: string };
  const part = found.part === 'value' ? '' : ` (${found.part} series of the ${def.type})`;
  const labels = [...def.labelNames, ...(found.part === 'bucket' ? ['le'] : [])];
  const help = `${def.help ?? def.name}${part}. Labels: ${labels.join(', ') || 'none'}.`;
  return { type: found.part === 'value' ? def.type : found.part === 'bucket' ? 'histogram' : 'counter', help };
}

type Metadata = Record<string, Array<{ type: string; help: string }>>;

export class ResourceCompletionClient implements PrometheusClient {
  private readonly lists: ResourceLists;
  private merged?: { from: unknown; metadata: Metadata };

  /** `now` is the cache's clock (milliseconds), a parameter for tests. */
  constructor(source: ResourceSource, now?: () => number) {
    this.lists = new ResourceLists(source, now);
  }

  metricNames(): Promise<string[]> {
    return this.lists.strings(RESOURCE_PATHS.prometheusLabelValues, { label: '__name__' });
  }

  labelNames(metricName?: string): Promise<string[]> {
    return this.lists.strings(RESOURCE_PATHS.prometheusLabels, withMatch({}, seriesSelector(metricName)));
  }

  labelValues(labelName: string, metricName?: string, matchers?: CompletionMatcher[]): Promise<string[]> {
    const match = seriesSelector(metricName, matchers, labelName);
    return this.lists.strings(RESOURCE_PATHS.prometheusLabelValues, withMatch({ label: labelName }, match));
  }

  /** Prometheus' metadata, with the catalog's help (labels included) for the metrics that are ours. */
  async metricMetadata(): Promise<Metadata> {
    const entries = await this.lists.get(RESOURCE_PATHS.prometheusMetadata, {}, []);
    // Asked on every completion; merged once per answer the cache holds.
    if (!this.merged || this.merged.from !== entries) {
      this.merged = { from: entries, metadata: withCatalogHelp(entries) };
    }
    return this.merged.metadata;
  }

  // HybridComplete lists label names and values through the two calls above; series and flags
  // are part of the interface it never calls for completion.
  series(): Promise<Array<Map<string, string>>> {
    return Promise.resolve([]);
  }

  flags(): Promise<Record<string, string>> {
    return Promise.resolve({});
  }

  destroy() {
    this.lists.clear();
  }
}

function withMatch(params: Record<string, string>, match: string | undefined): Record<string, string> {
  return match ? { ...params, match } : params;
}

/** The help of every series of the metrics the product reads (catalog, exporters, backend), built once. */
let catalogMetadata: Metadata | undefined;

/** Prometheus' metadata answer, the catalog's help taking the place of Prometheus' for our series. */
function withCatalogHelp(entries: unknown): Metadata {
  const metadata: Metadata = {};
  for (const entry of Array.isArray(entries) ? (entries as MetricMetadataEntry[]) : []) {
    metadata[entry.metric] = [{ type: entry.type, help: entry.help }];
  }
  catalogMetadata ??= Object.fromEntries(
    Object.values(METRICS as Record<string, ReadableMetric>)
      .flatMap(seriesNames)
      .map((name) => [name, [catalogHelp(name)!]])
  );
  return { ...metadata, ...catalogMetadata };
}
