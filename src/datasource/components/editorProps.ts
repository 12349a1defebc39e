import type { TimeRange } from '@grafana/data';
import type { DataSource } from '../datasource';
import type { QueryModelOf, QueryType } from '../../../contract';
import type { DataQueryOf } from '../types';

/** What the editor of one query type receives from QueryEditor: a query of that type. */
export interface TypeEditorProps<T extends QueryType> {
  datasource: DataSource;
  query: DataQueryOf<T>;
  onChange: (query: DataQueryOf<T>) => void;
  onRunQuery: () => void;
  /** The panel's or Explore's range, when Grafana gives one (completion lists series of it). */
  range?: TimeRange;
}

/** Changes some fields of the query, and runs it when `run` is set (a choice made, not a keystroke). */
export function queryPatcher<T extends QueryType>({
  query,
  onChange,
  onRunQuery,
}: Pick<TypeEditorProps<T>, 'query' | 'onChange' | 'onRunQuery'>) {
  return (patch: Partial<QueryModelOf<T>>, run = false) => {
    onChange({ ...query, ...patch });
    if (run) {
      onRunQuery();
    }
  };
}
