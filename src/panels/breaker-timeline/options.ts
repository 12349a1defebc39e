/** Options of the breaker timeline panel (saved in the panel JSON; the editor is built in module.ts). */
export type RowSort = 'name' | 'openTime' | 'transitions';

export interface BreakerTimelineOptions {
  /** Rows sorted by service name, by time spent open (most first) or by transitions (most first). */
  sortBy: RowSort;
  /** Minimum row height in px; more rows than fit scroll. */
  minRowHeight: number;
  showLegend: boolean;
}

export const defaultBreakerTimelineOptions: BreakerTimelineOptions = {
  sortBy: 'name',
  minRowHeight: 18,
  showLegend: true,
};
