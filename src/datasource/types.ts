import type { DataQuery, DataSourceJsonData } from '@grafana/schema';
import type {
  QueryType,
  AgentMemoryJsonData,
  QueryModel,
  QueryModelOf,
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

/** DataQuery's own fields (refId, hide, datasource, key); queryType is the model's. */
type DataQueryFields = Omit<DataQuery, 'queryType'>;

/**
 * A query of this data source as Grafana stores it: DataQuery's fields plus one query type's
 * model (contract/queries.ts). (The dashboards' query builder class is AgentMemoryQuery.)
 */
export type AgentMemoryDataQuery = QueryModel & DataQueryFields;

/** A stored query of one query type. */
export type DataQueryOf<T extends QueryType> = QueryModelOf<T> & DataQueryFields;

export interface AgentMemoryVariableQuery extends AgentMemoryVariableQueryModel {
  refId: string;
}

export const DEFAULT_QUERY: Partial<AgentMemoryDataQuery> = {
  queryType: 'metrics',
  expr: '',
};

/** Plain settings, stored in jsonData (keys: contract/settings.ts). */
export type AgentMemoryOptions = DataSourceJsonData & AgentMemoryJsonData;

/** Secrets, stored in secureJsonData: write-only from the browser, decrypted only in the backend. */
export type AgentMemorySecureOptions = AgentMemorySecureJsonData;
