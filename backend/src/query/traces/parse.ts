import { LIMITS, type TracesQueryModel } from '../../../../contract';
import { capped, checkJaegerName, searchRange, type CommonQuery } from '../common';

/** Trace by id (traceId), otherwise a search. */
export type TracesQuery = CommonQuery &
  Omit<TracesQueryModel, 'traceId' | 'service' | 'tags' | 'limit'> & {
    traceId?: string;
    service?: string;
    tags: Record<string, string>;
    limit: number;
  };

export function parseTraces(model: TracesQueryModel, common: CommonQuery): TracesQuery {
  checkJaegerName('service', model.service);
  checkJaegerName('operation', model.operation);
  return {
    ...common,
    queryType: 'traces',
    traceId: model.traceId,
    service: model.service,
    operation: model.operation,
    tags: model.tags ?? {},
    minDuration: model.minDuration,
    maxDuration: model.maxDuration,
    limit: capped(model.limit, LIMITS.defaultTraces, LIMITS.maxTraces, 'traces', common.notices),
    range: searchRange(common.range, common.notices),
  };
}
