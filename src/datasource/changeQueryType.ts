import type { QueryType } from '../../contract';
import type { AgentMemoryDataQuery, DataQueryOf } from './types';

/**
 * The query after the user picks another query type: DataQuery's own fields, and the fields the
 * new type shares with the old one (the event selection of logs and log counts, the service of
 * traces and correlate). Fields of the old type only are dropped, so each query holds exactly its
 * type's fields (contract/queries.ts).
 */
export function changeQueryType(query: AgentMemoryDataQuery, queryType: QueryType): AgentMemoryDataQuery {
  const common = dataQueryFields(query);
  const events = query.queryType === 'logs' || query.queryType === 'logs_count' ? query : undefined;
  const service = query.queryType === 'traces' || query.queryType === 'correlate' ? query.service : undefined;
  const next: { [T in QueryType]: () => DataQueryOf<T> } = {
    metrics: () => ({ ...common, queryType: 'metrics', expr: '' }),
    logs: () => ({ ...common, queryType: 'logs', query: events?.query, filters: events?.filters }),
    logs_count: () => ({ ...common, queryType: 'logs_count', query: events?.query, filters: events?.filters }),
    traces: () => ({ ...common, queryType: 'traces', service: service ?? '' }),
    correlate: () => ({ ...common, queryType: 'correlate', service }),
  };
  return withoutUndefined(next[queryType]());
}

/** DataQuery's own fields, which a query keeps whatever replaces its model. */
export function dataQueryFields({ refId, hide, key, datasource }: AgentMemoryDataQuery) {
  return { refId, hide, key, datasource };
}

/** Keeps the stored JSON as it was: a field that is not set is absent, not `undefined`. */
export function withoutUndefined<Q extends object>(query: Q): Q {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)) as Q;
}
