import { from, map, type Observable } from 'rxjs';
import { CustomVariableSupport, DataQueryRequest, DataQueryResponse, FieldType, createDataFrame } from '@grafana/data';
import type { DataSource } from './datasource';
import { VariableQueryEditor } from './components/VariableQueryEditor';

/** What a template variable lists: values from one of the backend's autocomplete resources. */
export interface AgentMemoryVariableQuery {
  refId: string;
  kind: 'prometheus_label_values' | 'event_field_values' | 'jaeger_services' | 'jaeger_operations';
  /** Prometheus label (prometheus_label_values). */
  label?: string;
  /** Event field (event_field_values). */
  field?: string;
  /** Jaeger service (jaeger_operations). */
  service?: string;
}

/** The resource path and parameters a variable query reads. */
export function variableResource(
  query: AgentMemoryVariableQuery
): { path: string; params?: Record<string, string> } | undefined {
  switch (query.kind) {
    case 'prometheus_label_values':
      return query.label ? { path: 'prometheus/label-values', params: { label: query.label } } : undefined;
    case 'event_field_values':
      return query.field ? { path: 'elasticsearch/field-values', params: { field: query.field } } : undefined;
    case 'jaeger_services':
      return { path: 'jaeger/services' };
    case 'jaeger_operations':
      return query.service ? { path: 'jaeger/operations', params: { service: query.service } } : undefined;
    default:
      return undefined;
  }
}

/** Template variables from Prometheus label values, AI event fields, Jaeger services and operations. */
export class AgentMemoryVariableSupport extends CustomVariableSupport<DataSource, AgentMemoryVariableQuery> {
  editor = VariableQueryEditor;

  constructor(private readonly datasource: DataSource) {
    super();
  }

  query(request: DataQueryRequest<AgentMemoryVariableQuery>): Observable<DataQueryResponse> {
    const target = request.targets[0];
    const resource = target ? variableResource(target) : undefined;
    if (!resource) {
      return from(Promise.resolve({ data: [] }));
    }
    return from(this.datasource.suggestions(resource.path, resource.params)).pipe(
      map((values) => ({ data: [createDataFrame({ fields: [{ name: 'text', type: FieldType.string, values }] })] }))
    );
  }
}
