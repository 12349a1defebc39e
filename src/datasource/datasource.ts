import { CoreApp, DataSourceInstanceSettings, ScopedVars } from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv } from '@grafana/runtime';
import { AgentMemoryOptions, AgentMemoryDataQuery, DEFAULT_QUERY } from './types';
import { grafanaLookup, interpolateQuery } from './interpolate';
import { AgentMemoryVariableSupport } from './variables';
import { DEFAULTS, checkQueryModel, isQueryType } from '../../contract';

/** Every query runs in the backend, so dashboards and alert rules get the same answers. */
export class DataSource extends DataSourceWithBackend<AgentMemoryDataQuery, AgentMemoryOptions> {
  /** The settings' default Jaeger service (the query help's trace examples search it). */
  readonly jaegerService?: string;

  constructor(instanceSettings: DataSourceInstanceSettings<AgentMemoryOptions>) {
    super(instanceSettings);
    this.jaegerService = instanceSettings.jsonData.jaegerService?.trim() || undefined;
    // Grafana's query runner floors a panel's interval at the data source's `interval`, as it does
    // for its Prometheus data source with the same setting. Grafana: RATE-INTERVAL (docs/grafana-behaviour.md)
    this.interval = instanceSettings.jsonData.timeInterval || DEFAULTS.scrapeInterval;
    this.variables = new AgentMemoryVariableSupport(this);
    // Annotations run a query of this data source (typically logs with level ERROR); its time
    // field and first string field (the event message) become the annotation.
    this.annotations = {};
  }

  // Defaults of a new query in the panel editor and in Explore.
  getDefaultQuery(_: CoreApp): Partial<AgentMemoryDataQuery> {
    return DEFAULT_QUERY;
  }

  // Hidden queries, and queries whose required field is still empty, are not sent. The rules are
  // the backend's (contract/validate.ts); a query with another problem is sent, and the backend
  // answers it with the message naming the field.
  filterQuery(query: AgentMemoryDataQuery): boolean {
    if (query.hide) {
      return false;
    }
    const queryType = query.queryType ?? 'metrics';
    return !isQueryType(queryType) || checkQueryModel(queryType, query).problem?.incomplete !== true;
  }

  // Dashboard variables are replaced in the browser, each escaped for where it lands
  // (templating.ts); Grafana's $__ interval macros stay for the backend.
  applyTemplateVariables(query: AgentMemoryDataQuery, scopedVars: ScopedVars): AgentMemoryDataQuery {
    return interpolateQuery(query, grafanaLookup(getTemplateSrv(), scopedVars));
  }

  /**
   * Values from the backend's resources (labels, event fields, services, operations). A failure
   * rejects with the backend's message, which names the failing source.
   */
  async suggestions(path: string, params?: Record<string, string>): Promise<string[]> {
    const values = await this.resource(path, params);
    if (!Array.isArray(values)) {
      throw new Error(`The data source answered ${path} with something that is not a list`);
    }
    return values.filter((v): v is string => typeof v === 'string');
  }

  /** A resource's answer as it came; a failure rejects with the backend's message. */
  async resource(path: string, params?: Record<string, string>): Promise<unknown> {
    try {
      return await this.getResource<unknown>(path, params);
    } catch (error) {
      throw new Error(resourceErrorMessage(path, error));
    }
  }
}

/** The message of a failed resource call: the backend's `{ error }` body, else the HTTP status. */
export function resourceErrorMessage(path: string, error: unknown): string {
  const e = error as { data?: { error?: unknown; message?: unknown }; status?: number; message?: unknown };
  const detail =
    typeof e?.data?.error === 'string'
      ? e.data.error
      : typeof e?.data?.message === 'string'
        ? e.data.message
        : typeof e?.message === 'string'
          ? e.message
          : `HTTP ${e?.status ?? 'error'}`;
  return `Could not load ${path}: ${detail}`;
}
