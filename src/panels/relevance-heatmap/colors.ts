import * as chromatic from 'd3-scale-chromatic';
import type { ColorScale, ColorSchemeName } from './options';

const INTERPOLATORS: Record<ColorSchemeName, (t: number) => string> = {
  Oranges: chromatic.interpolateOranges,
  Blues: chromatic.interpolateBlues,
  Greens: chromatic.interpolateGreens,
  Purples: chromatic.interpolatePurples,
  Reds: chromatic.interpolateReds,
  Viridis: chromatic.interpolateViridis,
  Spectral: chromatic.interpolateSpectral,
};

/**
 * `steps` colours of a scheme, light to dark in a light theme and dark to light in a dark one
 * (the low end blends with the panel's background either way), as Grafana's heatmap does.
 */
export function palette(scheme: ColorSchemeName, steps: number, dark: boolean): string[] {
  const interpolate = INTERPOLATORS[scheme] ?? chromatic.interpolateOranges;
  const sequential = scheme !== 'Viridis' && scheme !== 'Spectral';
  return Array.from({ length: steps }, (_, i) => {
    // Skip the palest 15 % so that the lowest count is still visible against the background.
    const t = 0.15 + (0.85 * i) / Math.max(1, steps - 1);
    return interpolate(sequential && dark ? 1.15 - t : t);
  });
}

/** The palette index of a count (0 counts are not drawn: -1). */
export function levelOf(count: number, max: number, steps: number, scale: ColorScale): number {
  if (!(count > 0) || !(max > 0)) {
    return -1;
  }
  let t: number;
  switch (scale) {
    case 'sqrt':
      t = Math.sqrt(count / max);
      break;
    case 'log':
      t = max > 1 ? Math.log(Math.max(1, count)) / Math.log(max) : 1;
      break;
    default:
      t = count / max;
  }
  return Math.min(steps - 1, Math.max(0, Math.floor(t * steps - 1e-9)));
}

/** Every cell's palette level, once per data and colour options (the draw only reads it). */
export function cellLevels(counts: Float64Array, max: number, steps: number, scale: ColorScale): Int16Array {
  const levels = new Int16Array(counts.length);
  for (let i = 0; i < counts.length; i++) {
    levels[i] = levelOf(counts[i], max, steps, scale);
  }
  return levels;
}
