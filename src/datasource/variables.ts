import { from, map, type Observable } from 'rxjs';
import {
  CustomVariableSupport,
  FieldType,
  createDataFrame,
  type DataQueryRequest,
  type DataQueryResponse,
} from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import type { DataSource } from './datasource';
import { VariableQueryEditor } from './components/VariableQueryEditor';
import { grafanaLookup, interpolateVariableQuery } from './interpolate';
import type { AgentMemoryVariableQuery } from './types';
import { variableResource } from './variableResource';

export type { AgentMemoryVariableQuery } from './types';
export { variableResource } from './variableResource';

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
