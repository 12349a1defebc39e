import { LIMITS, type EventFilters, type LogsCountQueryModel, type LogsQueryModel } from '../../../../contract';
import { capped, searchRange, type CommonQuery } from '../common';

/** A logs query: AI events as log lines, newest or oldest first, capped. */
export interface LogsQuery
  extends CommonQuery, Pick<LogsQueryModel, 'queryType' | 'query'>, Required<Pick<LogsQueryModel, 'sort' | 'limit'>> {
  filters: EventFilters;
}

/** A logs count query: AI events counted over time, optionally per field value. */
export interface LogsCountQuery extends CommonQuery, Pick<LogsCountQueryModel, 'queryType' | 'query' | 'groupBy'> {
  filters: EventFilters;
}

export function parseLogs(model: LogsQueryModel, common: CommonQuery): LogsQuery {
  return {
    ...common,
    queryType: 'logs',
    query: model.query,
    filters: model.filters ?? {},
    sort: model.sort ?? 'desc',
    limit: capped(model.limit, LIMITS.defaultLogs, LIMITS.maxLogs, 'logs', common.notices),
    range: searchRange(common.range, common.notices),
  };
}

export function parseLogsCount(model: LogsCountQueryModel, common: CommonQuery): LogsCountQuery {
  return {
    ...common,
    queryType: 'logs_count',
    query: model.query,
    filters: model.filters ?? {},
    groupBy: model.groupBy,
    range: searchRange(common.range, common.notices),
  };
}
