import { CoreApp, DataSourceInstanceSettings, ScopedVars } from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv } from '@grafana/runtime';
import { AgentMemoryOptions, AgentMemoryQuery, DEFAULT_QUERY } from './types';
import { interpolateQuery } from './interpolate';
import { AgentMemoryVariableSupport } from './variables';

/** Every query runs in the backend, so dashboards and alert rules get the same answers. */
export class DataSource extends DataSourceWithBackend<AgentMemoryQuery, AgentMemoryOptions> {
  constructor(instanceSettings: DataSourceInstanceSettings<AgentMemoryOptions>) {
    super(instanceSettings);
    this.variables = new AgentMemoryVariableSupport(this);
    // Annotations run a query of this data source (typically logs with level ERROR); its time
    // field and first string field (the event message) become the annotation.
    this.annotations = {};
  }

  // Defaults of a new query in the panel editor and in Explore.
  getDefaultQuery(_: CoreApp): Partial<AgentMemoryQuery> {
    return DEFAULT_QUERY;
  }

  // Hidden queries, and metrics or trace queries with nothing to run, are not sent.
  filterQuery(query: AgentMemoryQuery): boolean {
    if (query.hide) {
      return false;
    }
    switch (query.queryType ?? 'metrics') {
      case 'metrics':
        return Boolean(query.expr?.trim());
      case 'traces':
        return Boolean(query.traceId?.trim() || query.service?.trim());
      default:
        return true;
    }
  }

  // Dashboard variables are replaced in the browser; Grafana's $__ interval macros stay for the backend.
  applyTemplateVariables(query: AgentMemoryQuery, scopedVars: ScopedVars): AgentMemoryQuery {
    const templateSrv = getTemplateSrv();
    return interpolateQuery(query, (text, format) => templateSrv.replace(text, scopedVars, format));
  }

  /** Autocomplete values from the backend's resources (labels, event fields, services, operations). */
  async suggestions(path: string, params?: Record<string, string>): Promise<string[]> {
    const values = await this.getResource<unknown>(path, params);
    return Array.isArray(values) ? values.filter((v): v is string => typeof v === 'string') : [];
  }
}
