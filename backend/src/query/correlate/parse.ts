import type { CorrelateQueryModel } from '../../../../contract';
import { checkJaegerName, searchRange, type CommonQuery } from '../common';

/** The correlated view: one row per memory operation from all three sources. */
export interface CorrelateQuery extends CommonQuery, CorrelateQueryModel {}

export function parseCorrelate(model: CorrelateQueryModel, common: CommonQuery): CorrelateQuery {
  checkJaegerName('service', model.service);
  return {
    ...common,
    queryType: 'correlate',
    service: model.service,
    range: searchRange(common.range, common.notices),
  };
}
