import { from, map, type Observable } from 'rxjs';
import {
  CustomVariableSupport,
  FieldType,
  createDataFrame,
  type DataQueryRequest,
  type DataQueryResponse,
} from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import { RESOURCE_PATHS } from '../../contract';
import type { DataSource } from './datasource';
import { VariableQueryEditor } from './components/VariableQueryEditor';
import { grafanaLookup, interpolateVariableQuery } from './interpolate';
import type { AgentMemoryVariableQuery } from './types';

export type { AgentMemoryVariableQuery } from './types';

/** The resource path and parameters a variable query reads; undefined while it is incomplete. */
export function variableResource(
  query: AgentMemoryVariableQuery,
  range?: { from: number; to: number }
): { path: string; params: Record<string, string> } | undefined {
  const window: Record<string, string> = range ? { from: String(range.from), to: String(range.to) } : {};
  const withOptional = (params: Record<string, string | undefined>) =>
    Object.fromEntries(Object.entries({ ...window, ...params }).filter(([, v]) => v)) as Record<string, string>;
  switch (query.kind) {
    case 'prometheus_label_values':
      return query.label
        ? {
            path: RESOURCE_PATHS.prometheusLabelValues,
            params: withOptional({ label: query.label, match: query.match }),
          }
        : undefined;
    case 'event_field_values':
      return query.field
        ? {
            path: RESOURCE_PATHS.elasticsearchFieldValues,
            params: withOptional({ field: query.field, query: query.query }),
          }
        : undefined;
    case 'jaeger_services':
      return { path: RESOURCE_PATHS.jaegerServices, params: {} };
    case 'jaeger_operations':
      return query.service ? { path: RESOURCE_PATHS.jaegerOperations, params: { service: query.service } } : undefined;
    default:
      return undefined;
  }
}

/**
 * Template variables from Prometheus label values, AI event fields, Jaeger services and
 * operations. The variable query's own variables are replaced first, so `operations of $service`
 * follows the service variable; errors reach Grafana's variable editor with the failing source.
 */
export class AgentMemoryVariableSupport extends CustomVariableSupport<DataSource, AgentMemoryVariableQuery> {
  editor = VariableQueryEditor;

  constructor(private readonly datasource: DataSource) {
    super();
  }

  query(request: DataQueryRequest<AgentMemoryVariableQuery>): Observable<DataQueryResponse> {
    const target = request.targets[0];
    const interpolated = target
      ? interpolateVariableQuery(target, grafanaLookup(getTemplateSrv(), request.scopedVars))
      : undefined;
    const range = request.range ? { from: request.range.from.valueOf(), to: request.range.to.valueOf() } : undefined;
    const resource = interpolated ? variableResource(interpolated, range) : undefined;
    if (!resource) {
      return from(Promise.resolve({ data: [] }));
    }
    return from(this.datasource.suggestions(resource.path, resource.params)).pipe(
      map((values) => ({ data: [createDataFrame({ fields: [{ name: 'text', type: FieldType.string, values }] })] }))
    );
  }
}
