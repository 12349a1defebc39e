import type { TimeRange } from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import { LIMITS } from '../../../../contract';
import type { DataSource } from '../../datasource';
import type { CodeEditorProps } from './CodeEditor';

/**
 * What a code editor of this data source reads: its resources, the range, the dashboard's
 * variables. Grafana: TEMPLATE-SRV-VARIABLES (docs/grafana-behaviour.md)
 * The range is the one Grafana gives the query editor. Grafana: QUERY-EDITOR-PROPS (docs/grafana-behaviour.md)
 */
export function editorContext(
  datasource: DataSource,
  range?: TimeRange
): Pick<CodeEditorProps, 'fetchResource' | 'range' | 'variables'> {
  return {
    fetchResource: (path, params) => datasource.resource(path, params),
    range: () => {
      const to = range ? range.to.valueOf() : Date.now();
      return { from: range ? range.from.valueOf() : to - LIMITS.defaultResourceRangeMs, to };
    },
    variables: () =>
      getTemplateSrv()
        .getVariables()
        .map((v) => v.name),
  };
}
