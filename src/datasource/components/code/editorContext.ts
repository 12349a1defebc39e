import type { TimeRange } from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import type { DataSource } from '../../datasource';
import type { CodeEditorProps } from './CodeEditor';

/** Without a range from Grafana, completion lists values of the last day (as the resources do). */
const DEFAULT_RANGE_MS = 24 * 3600 * 1000;

/**
 * What a code editor of this data source reads: its resources, the range, the dashboard's
 * variables. Grafana: TEMPLATE-SRV-VARIABLES (docs/grafana-behaviour.md)
 */
export function editorContext(
  datasource: DataSource,
  range?: TimeRange
): Pick<CodeEditorProps, 'fetchResource' | 'range' | 'variables'> {
  return {
    fetchResource: (path, params) => datasource.resource(path, params),
    range: () => {
      const to = range ? range.to.valueOf() : Date.now();
      return { from: range ? range.from.valueOf() : to - DEFAULT_RANGE_MS, to };
    },
    variables: () =>
      getTemplateSrv()
        .getVariables()
        .map((v) => v.name),
  };
}
