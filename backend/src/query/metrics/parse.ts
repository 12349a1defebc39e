import { parseDurationSeconds, type MetricsQueryModel } from '../../../../contract';
import type { CommonQuery, RawModel } from '../common';

/** A metrics query: the contract's model (contract/queries.ts), checked, with defaults applied. */
export interface MetricsQuery extends CommonQuery, Pick<MetricsQueryModel, 'expr' | 'legendFormat'> {
  queryType: 'metrics';
  /** Instant query at the end of the range; otherwise a range query. */
  instant: boolean;
  /** Lower bound of the step, seconds. */
  minStepSec?: number;
}

export function parseMetrics(model: MetricsQueryModel, raw: RawModel, common: CommonQuery): MetricsQuery {
  return {
    ...common,
    queryType: 'metrics',
    expr: model.expr,
    // Grafana's own Prometheus editor sends `range: true` for a range query.
    instant: model.instant === true && raw.range !== true,
    legendFormat: model.legendFormat,
    minStepSec: model.minStep === undefined ? undefined : parseDurationSeconds(model.minStep),
  };
}
