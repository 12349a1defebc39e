import { EqlRegex, EqlSingle, Neq, NeqRegex } from '@prometheus-io/lezer-promql';
import type { PrometheusClient } from '@prometheus-io/codemirror-promql';
import { LIMITS, RESOURCE_PATHS, type MetricMetadataEntry } from '../../contract';
import { METRICS, metricOfSeries, seriesNames, type ReadableMetric } from '@memstack/telemetry/signals';
import { promStringEscape, regexEscape } from './templating';
import { referenceSpans } from './queryTemplates';
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

/** A label name as a selector writes it: quoted when it is not a classic name (Prometheus 3's UTF-8 names). */
const labelName = (name: string) => (/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) ? name : `"${promStringEscape(name, '"')}"`);

/**
 * A matcher's value as codemirror-promql hands it over is the string literal's body, escapes
 * still in it (`co\"d` for "co\"d"); read them so the value can be quoted again once.
 */
const literalValue = (body: string) => body.replace(/\\(.)/g, '$1');

/**
 * `{__name__="m",a="b"}` from a metric name and matchers; undefined when there is nothing to
 * narrow by. A matcher on a variable or macro is left out: its value is only known to Grafana.
 */
export function seriesSelector(metricName?: string, matchers: CompletionMatcher[] = [], except?: string) {
  const parts = [
    ...(metricName ? [`__name__="${promStringEscape(metricName, '"')}"`] : []),
    ...matchers
      .filter((m) => m.name !== except && m.name !== '__name__' && OPERATORS[m.type] && m.value !== '')
      .filter((m) => referenceSpans(m.value).length === 0)
      .map((m) => `${labelName(m.name)}${OPERATORS[m.type]}"${promStringEscape(literalValue(m.value), '"')}"`),
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

  /**
   * Every metric name; when Prometheus has more than the resources answer, the names starting
   * with what was typed (the first list is cut alphabetically and would miss them).
   */
  async metricNames(prefix?: string): Promise<string[]> {
    const names = await this.lists.strings(RESOURCE_PATHS.prometheusLabelValues, { label: '__name__' });
    if (!prefix || names.length < LIMITS.maxResourceValues) {
      return names;
    }
    const match = `{__name__=~"${promStringEscape(regexEscape(prefix), '"')}.*"}`;
    return this.lists.strings(RESOURCE_PATHS.prometheusLabelValues, { label: '__name__', match });
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
