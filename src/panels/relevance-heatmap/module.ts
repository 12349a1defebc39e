import { FieldConfigProperty, PanelPlugin } from '@grafana/data';
import { RelevanceHeatmapPanel } from './RelevanceHeatmapPanel';
import { COLOR_SCHEMES, defaultRelevanceHeatmapOptions, type RelevanceHeatmapOptions } from './options';

export const plugin = new PanelPlugin<RelevanceHeatmapOptions>(RelevanceHeatmapPanel)
  .useFieldConfig({
    // The unit and decimals format the bucket bounds; colours come from the scheme below.
    disableStandardOptions: [
      FieldConfigProperty.Thresholds,
      FieldConfigProperty.Color,
      FieldConfigProperty.Mappings,
      FieldConfigProperty.Links,
      FieldConfigProperty.NoValue,
    ],
  })
  .setPanelOptions((builder) =>
    builder
      .addSelect({
        path: 'scheme',
        name: 'Colour scheme',
        defaultValue: defaultRelevanceHeatmapOptions.scheme,
        settings: { options: COLOR_SCHEMES.map((value) => ({ value, label: value })) },
      })
      .addRadio({
        path: 'scale',
        name: 'Colour scale',
        description: 'How counts map to colour: square root and log bring out small counts next to large ones.',
        defaultValue: defaultRelevanceHeatmapOptions.scale,
        settings: {
          options: [
            { value: 'linear', label: 'Linear' },
            { value: 'sqrt', label: 'Square root' },
            { value: 'log', label: 'Log' },
          ],
        },
      })
      .addSliderInput({
        path: 'steps',
        name: 'Colour steps',
        defaultValue: defaultRelevanceHeatmapOptions.steps,
        settings: { min: 2, max: 128, step: 1 },
      })
      .addBooleanSwitch({
        path: 'hideEmptyBuckets',
        name: 'Hide empty buckets',
        description: 'Leave out buckets without any observation in the time range.',
        defaultValue: defaultRelevanceHeatmapOptions.hideEmptyBuckets,
      })
      .addRadio({
        path: 'valuesAre',
        name: 'Bucket values are',
        description:
          'Counts per step (the query uses increase() or rate()), or raw cumulative counters, which the panel turns into increases (resets handled).',
        defaultValue: defaultRelevanceHeatmapOptions.valuesAre,
        settings: {
          options: [
            { value: 'increase', label: 'Counts per step' },
            { value: 'counter', label: 'Raw counters' },
          ],
        },
      })
      .addBooleanSwitch({
        path: 'showLegend',
        name: 'Legend',
        defaultValue: defaultRelevanceHeatmapOptions.showLegend,
      })
  );
