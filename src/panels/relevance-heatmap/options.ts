/** Options of the relevance heatmap panel (saved in the panel JSON; the editor is built in module.ts). */
export type ColorScale = 'linear' | 'sqrt' | 'log';
/** What the bucket series hold: counts per step (increase/rate, the default) or raw counters. */
export type ValuesAre = 'increase' | 'counter';

export const COLOR_SCHEMES = ['Oranges', 'Blues', 'Greens', 'Purples', 'Reds', 'Viridis', 'Spectral'] as const;
export type ColorSchemeName = (typeof COLOR_SCHEMES)[number];

export interface RelevanceHeatmapOptions {
  scheme: ColorSchemeName;
  /** How counts map to colour: linear, square root or logarithmic. */
  scale: ColorScale;
  /** Steps of the palette. */
  steps: number;
  /** Buckets with no observation in the whole range are left out of the y axis. */
  hideEmptyBuckets: boolean;
  showLegend: boolean;
  valuesAre: ValuesAre;
}

export const defaultRelevanceHeatmapOptions: RelevanceHeatmapOptions = {
  scheme: 'Oranges',
  scale: 'sqrt',
  steps: 64,
  hideEmptyBuckets: false,
  showLegend: true,
  valuesAre: 'increase',
};
