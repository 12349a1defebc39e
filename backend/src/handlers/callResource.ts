import {
  EVENT_FILTER_FIELDS,
  LIMITS,
  RESOURCE_PATHS,
  isEventFilterField,
  type MetricMetadataEntry,
  type ResourceErrorBody,
  type ResourcePath,
} from '../../../contract';
import { parseSettings, SettingsError, type DataSourceSettings, type InstanceSettingsMessage } from '../settings';
import type { SourceBreakers } from '../sources/breakers';
import { ElasticsearchClient, ELASTICSEARCH } from '../sources/elasticsearch';
import { fieldValuesBody } from '../sources/elasticsearchDsl';
import { JaegerClient, JAEGER } from '../sources/jaeger';
import { PrometheusClient, PROMETHEUS, type LabelOptions } from '../sources/prometheus';
import { CancelledError, SourceError, configuredSource } from '../sources/sourceError';
import { excerpt, trimSlashes } from '../text';

export interface ResourceRequest {
  path: string;
  method: string;
  url: string;
  instance: InstanceSettingsMessage | undefined;
  breakers: SourceBreakers;
  signal?: AbortSignal;
}

type ResourceList = string[] | MetricMetadataEntry[];

export interface ResourceResponse {
  code: number;
  body: ResourceList | ResourceErrorBody;
}


class BadParameter extends Error {}

function queryParams(url: string): URLSearchParams {
  const index = url.indexOf('?');
  return new URLSearchParams(index >= 0 ? url.slice(index + 1) : '');
}

function required(params: URLSearchParams, name: string, path: string, max: number): string {
  const value = params.get(name);
  if (!value) {
    throw new BadParameter(`${path} needs ?${name}=<value>`);
  }
  if (value.length > max) {
    throw new BadParameter(`${name} is ${value.length} characters long; the limit is ${max}`);
  }
  return value;
}

function optional(params: URLSearchParams, name: string, max: number): string | undefined {
  const value = params.get(name) ?? undefined;
  if (value !== undefined && value.length > max) {
    throw new BadParameter(`${name} is ${value.length} characters long; the limit is ${max}`);
  }
  return value || undefined;
}

/** `from`/`to` in epoch ms (as Grafana's variable editor sends the dashboard range), capped to 31 days. */
function rangeOf(params: URLSearchParams): { from: number; to: number } {
  const now = Date.now();
  const to = params.has('to') ? Number(params.get('to')) : now;
  const from = params.has('from') ? Number(params.get('from')) : to - LIMITS.defaultResourceRangeMs;
  if (!Number.isFinite(from) || !Number.isFinite(to) || from > to) {
    throw new BadParameter('from and to must be epoch milliseconds with from not after to');
  }
  return { from: Math.max(from, to - LIMITS.maxSearchRangeMs), to };
}

type Handler = (
  settings: DataSourceSettings,
  params: URLSearchParams,
  request: ResourceRequest
) => Promise<ResourceList>;

/** Label names or values from Prometheus, narrowed by ?match=<selector> and the ?from/&to range. */
function prometheusList(
  settings: DataSourceSettings,
  params: URLSearchParams,
  { breakers, signal }: ResourceRequest,
  list: (client: PrometheusClient, options: LabelOptions) => Promise<string[]>
): Promise<string[]> {
  const prometheus = configuredSource(settings.prometheus, PROMETHEUS);
  const range = rangeOf(params);
  const options = {
    match: optional(params, 'match', LIMITS.maxExprLength),
    startSec: range.from / 1000,
    endSec: range.to / 1000,
    signal,
  };
  return breakers.call(PROMETHEUS, prometheus, () => list(new PrometheusClient(prometheus), options), signal);
}

const HANDLERS: Record<ResourcePath, Handler> = {
  [RESOURCE_PATHS.prometheusLabels]: (settings, params, request) =>
    prometheusList(settings, params, request, (client, options) => client.labelNames(options)),
  [RESOURCE_PATHS.prometheusLabelValues]: (settings, params, request) => {
    const label = required(params, 'label', RESOURCE_PATHS.prometheusLabelValues, LIMITS.maxLabelNameLength);
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label)) {
      throw new BadParameter(`"${label.slice(0, 60)}" is not a Prometheus label name`);
    }
    return prometheusList(settings, params, request, (client, options) => client.labelValues(label, options));
  },
  [RESOURCE_PATHS.prometheusMetadata]: (settings, _params, { breakers, signal }) => {
    const prometheus = configuredSource(settings.prometheus, PROMETHEUS);
    return breakers.call(PROMETHEUS, prometheus, () => new PrometheusClient(prometheus).metadata(signal), signal);
  },
  [RESOURCE_PATHS.elasticsearchFieldValues]: async (settings, params, { breakers, signal }) => {
    const field = required(params, 'field', RESOURCE_PATHS.elasticsearchFieldValues, LIMITS.maxFieldNameLength);
    if (!isEventFilterField(field)) {
      throw new BadParameter(
        `"${field.slice(0, 60)}" is not an event field: use one of ${EVENT_FILTER_FIELDS.join(', ')}`
      );
    }
    const elasticsearch = configuredSource(settings.elasticsearch, ELASTICSEARCH);
    const body = fieldValuesBody(field, rangeOf(params), optional(params, 'query', LIMITS.maxLuceneLength));
    const response = await breakers.call(
      ELASTICSEARCH,
      elasticsearch,
      () => new ElasticsearchClient(elasticsearch).search(body, signal),
      signal
    );
    const buckets: unknown = response.aggregations?.values?.buckets ?? [];
    if (!Array.isArray(buckets)) {
      throw new SourceError(
        ELASTICSEARCH,
        'bad_response',
        'Elasticsearch answered a terms aggregation without buckets'
      );
    }
    return buckets.map((b: { key_as_string?: unknown; key?: unknown }) => String(b.key_as_string ?? b.key));
  },
  [RESOURCE_PATHS.jaegerServices]: async (settings, _params, { breakers, signal }) => {
    const jaeger = configuredSource(settings.jaeger, JAEGER);
    const services = await breakers.call(JAEGER, jaeger, () => new JaegerClient(jaeger).services(signal), signal);
    return [...services].sort();
  },
  [RESOURCE_PATHS.jaegerOperations]: async (settings, params, { breakers, signal }) => {
    const service = required(params, 'service', RESOURCE_PATHS.jaegerOperations, LIMITS.maxServiceLength);
    const jaeger = configuredSource(settings.jaeger, JAEGER);
    const operations = await breakers.call(
      JAEGER,
      jaeger,
      () => new JaegerClient(jaeger).operations(service, signal),
      signal
    );
    return [...operations].sort();
  },
};

function isResourcePath(path: string): path is ResourcePath {
  return Object.prototype.hasOwnProperty.call(HANDLERS, path);
}

/**
 * Autocomplete for the editors and values of template variables. Answers a JSON list of strings;
 * errors are `{ error, source }` with 400 (bad parameters or settings), 404 (unknown path),
 * 502/504 (the named source failed).
 */
export async function callResource(request: ResourceRequest): Promise<ResourceResponse> {
  const response = await answerResource(request);
  if ('error' in response.body) {
    response.body.error = excerpt(response.body.error, LIMITS.maxErrorMessageLength);
  }
  return response;
}

async function answerResource(request: ResourceRequest): Promise<ResourceResponse> {
  if (request.path.length > LIMITS.maxResourcePathLength) {
    return {
      code: 404,
      body: {
        error: `the resource path is ${request.path.length} characters long; the limit is ${LIMITS.maxResourcePathLength}`,
      },
    };
  }
  const path = trimSlashes(request.path);
  if (!isResourcePath(path)) {
    return {
      code: 404,
      body: {
        error: `unknown resource "${path.slice(0, 80)}": the data source answers ${Object.values(RESOURCE_PATHS).join(', ')}`,
      },
    };
  }
  if (request.method !== 'GET') {
    return { code: 405, body: { error: `resource ${path} only answers GET` } };
  }
  try {
    const settings = parseSettings(request.instance);
    const list = await HANDLERS[path](settings, queryParams(request.url), request);
    return { code: 200, body: list.slice(0, LIMITS.maxResourceValues) as ResourceList };
  } catch (error) {
    if (error instanceof BadParameter || error instanceof SettingsError) {
      return { code: 400, body: { error: error.message } };
    }
    if (error instanceof CancelledError) {
      return { code: 499, body: { error: error.message } };
    }
    if (error instanceof SourceError) {
      return { code: error.httpStatus, body: { error: error.message, source: error.source } };
    }
    return { code: 500, body: { error: `Internal error in the agent memory data source: ${String(error)}` } };
  }
}
