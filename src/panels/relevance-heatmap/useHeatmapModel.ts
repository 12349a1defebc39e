import { useMemo } from 'react';
import { formattedValueToString, getValueFormat, type DataFrame, type FieldConfigSource } from '@grafana/data';
import { bucketGrid, shownBuckets, UnsuitableData, type BucketGrid } from './buckets';
import { cellLevels, palette } from './colors';
import type { RelevanceHeatmapOptions } from './options';

export type GridResult = { grid: BucketGrid } | { error: string };

/**
 * The heatmap's data, memoised: the bucket grid (or why the data cannot be one), the buckets
 * shown, each cell's colour level, and how a bucket bound is written in the field's unit.
 */
export function useHeatmapModel(
  series: DataFrame[],
  options: RelevanceHeatmapOptions,
  fieldConfig: FieldConfigSource,
  isDark: boolean
) {
  const result = useMemo((): GridResult => {
    try {
      return { grid: bucketGrid(series, options.valuesAre) };
    } catch (e) {
      if (e instanceof UnsuitableData) {
        return { error: e.message };
      }
      throw e;
    }
  }, [series, options.valuesAre]);

  // Bucket bounds are values of the measured quantity: the field's unit and decimals format them.
  // Without set decimals, a bound shows the digits it has (0.5, not 0.500).
  const { unit, decimals } = fieldConfig.defaults;
  const formatBound = useMemo(() => {
    const format = getValueFormat(unit ?? 'none');
    return (v: number) =>
      formattedValueToString(format(v, decimals ?? Math.min(6, (String(v).split('.')[1] ?? '').length)));
  }, [unit, decimals]);

  const colors = useMemo(() => palette(options.scheme, options.steps, isDark), [options.scheme, options.steps, isDark]);
  const grid = 'grid' in result ? result.grid : undefined;
  const levels = useMemo(
    () => (grid ? cellLevels(grid.counts, grid.max, colors.length, options.scale) : new Int16Array(0)),
    [grid, colors.length, options.scale]
  );
  const shown = useMemo(
    () => (grid ? shownBuckets(grid, options.hideEmptyBuckets) : []),
    [grid, options.hideEmptyBuckets]
  );
  return { result, grid, formatBound, colors, levels, shown };
}
