import type { DataSource } from '../datasource';
import type { AgentMemoryQuery } from '../types';

/** What every query type editor receives from QueryEditor. */
export interface TypeEditorProps {
  datasource: DataSource;
  query: AgentMemoryQuery;
  onChange: (query: AgentMemoryQuery) => void;
  onRunQuery: () => void;
}

/** Changes some fields of the query, and runs it when `run` is set (a choice made, not a keystroke). */
export function queryPatcher({
  query,
  onChange,
  onRunQuery,
}: Pick<TypeEditorProps, 'query' | 'onChange' | 'onRunQuery'>) {
  return (patch: Partial<AgentMemoryQuery>, run = false) => {
    onChange({ ...query, ...patch });
    if (run) {
      onRunQuery();
    }
  };
}
