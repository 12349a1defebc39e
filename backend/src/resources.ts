import { parseSettings, type InstanceSettingsMessage } from './settings';
import { ElasticsearchClient } from './sources/elasticsearch';
import { EVENT_FILTER_FIELDS, fieldValuesBody, type EventFilterField } from './sources/elasticsearchDsl';
import { JaegerClient } from './sources/jaeger';
import { PrometheusClient } from './sources/prometheus';
import { SourceError } from './sources/sourceError';

export interface ResourceRequest {
  path: string;
  method: string;
  url: string;
  instance: InstanceSettingsMessage | undefined;
}

export interface ResourceResponse {
  code: number;
  body: unknown;
}

function queryParams(url: string): URLSearchParams {
  const index = url.indexOf('?');
  return new URLSearchParams(index >= 0 ? url.slice(index + 1) : '');
}

/**
 * Autocomplete for the editors and template variables. Answers JSON; errors carry a message that
 * names the failing source.
 */
export async function callResource(request: ResourceRequest): Promise<ResourceResponse> {
  if (request.method !== 'GET') {
    return { code: 405, body: { error: `resource ${request.path} only answers GET` } };
  }
  try {
    const settings = parseSettings(request.instance);
    const path = request.path.replace(/^\/+|\/+$/g, '');
    const params = queryParams(request.url);
    if (path === 'prometheus/labels' || path === 'prometheus/label-values') {
      if (!settings.prometheus) {
        return { code: 400, body: { error: 'No Prometheus URL is configured: set it in the data source settings' } };
      }
      const client = new PrometheusClient(settings.prometheus);
      if (path === 'prometheus/labels') {
        return { code: 200, body: await client.labelNames() };
      }
      const label = params.get('label');
      if (!label) {
        return { code: 400, body: { error: 'label-values needs ?label=<name>' } };
      }
      return { code: 200, body: await client.labelValues(label) };
    }
    return {
      code: 404,
      body: {
        error: `unknown resource "${request.path}": try prometheus/labels or prometheus/label-values?label=<name>`,
      },
    };
  } catch (error) {
    if (error instanceof SourceError) {
      return { code: error.kind === 'bad_query' ? 400 : 502, body: { error: error.message, source: error.source } };
    }
    return { code: 500, body: { error: error instanceof Error ? error.message : String(error) } };
  }
}
