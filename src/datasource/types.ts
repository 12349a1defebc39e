import type { DataQuery, DataSourceJsonData } from '@grafana/schema';
import type {
  QueryType,
  AgentMemoryJsonData,
  AgentMemoryQueryModel,
  AgentMemorySecureJsonData,
  AgentMemoryVariableQueryModel,
} from '../../contract';

export {
  EVENT_FILTER_FIELDS,
  QUERY_TYPES,
  type EventFilterField,
  type QueryType,
  type VariableKind,
} from '../../contract';

/** A query as Grafana stores it: DataQuery's fields plus the shared model (contract/queries.ts). */
export interface AgentMemoryQuery extends Omit<DataQuery, 'queryType'>, AgentMemoryQueryModel {
  queryType?: QueryType;
}

export interface AgentMemoryVariableQuery extends AgentMemoryVariableQueryModel {
  refId: string;
}

export const DEFAULT_QUERY: Partial<AgentMemoryQuery> = {
  queryType: 'metrics',
  expr: '',
};

/** Plain settings, stored in jsonData (keys: contract/settings.ts). */
export type AgentMemoryOptions = DataSourceJsonData & AgentMemoryJsonData;

/** Secrets, stored in secureJsonData: write-only from the browser, decrypted only in the backend. */
export type AgentMemorySecureOptions = AgentMemorySecureJsonData;
