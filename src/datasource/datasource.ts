import { CoreApp, DataSourceInstanceSettings, ScopedVars } from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv } from '@grafana/runtime';
import { AgentMemoryOptions, AgentMemoryQuery, DEFAULT_QUERY } from './types';

/** Every query runs in the backend, so dashboards and alert rules get the same answers. */
export class DataSource extends DataSourceWithBackend<AgentMemoryQuery, AgentMemoryOptions> {
  constructor(instanceSettings: DataSourceInstanceSettings<AgentMemoryOptions>) {
    super(instanceSettings);
  }

  // Defaults of a new query in the panel editor and in Explore.
  getDefaultQuery(_: CoreApp): Partial<AgentMemoryQuery> {
    return DEFAULT_QUERY;
  }

  // Queries without an expression or hidden by the user are not sent.
  filterQuery(query: AgentMemoryQuery): boolean {
    return !query.hide && Boolean(query.expr?.trim());
  }

  // Dashboard variables are replaced in the browser; Grafana's $__ interval macros stay for the backend.
  applyTemplateVariables(query: AgentMemoryQuery, scopedVars: ScopedVars): AgentMemoryQuery {
    const templateSrv = getTemplateSrv();
    return {
      ...query,
      expr: query.expr ? templateSrv.replace(query.expr, scopedVars) : query.expr,
      legendFormat: query.legendFormat ? templateSrv.replace(query.legendFormat, scopedVars) : query.legendFormat,
    };
  }
}
