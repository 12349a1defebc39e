import type { DataSource } from '../datasource';
import type { AgentMemoryQuery } from '../types';

/** What every query type editor receives from QueryEditor. */
export interface TypeEditorProps {
  datasource: DataSource;
  query: AgentMemoryQuery;
  onChange: (query: AgentMemoryQuery) => void;
  onRunQuery: () => void;
}
