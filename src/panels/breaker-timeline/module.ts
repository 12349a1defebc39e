import { FieldConfigProperty, PanelPlugin } from '@grafana/data';
import { BreakerTimelinePanel } from './BreakerTimelinePanel';
import { DEFAULT_BREAKER_MAPPINGS } from './frames';
import { defaultBreakerTimelineOptions, type BreakerTimelineOptions } from './options';

export const plugin = new PanelPlugin<BreakerTimelineOptions>(BreakerTimelinePanel)
  .useFieldConfig({
    standardOptions: {
      [FieldConfigProperty.Mappings]: { defaultValue: DEFAULT_BREAKER_MAPPINGS },
      [FieldConfigProperty.Color]: { defaultValue: { mode: 'thresholds' } },
    },
    disableStandardOptions: [FieldConfigProperty.Min, FieldConfigProperty.Max, FieldConfigProperty.Thresholds],
  })
  .setPanelOptions((builder) =>
    builder
      .addRadio({
        path: 'sortBy',
        name: 'Sort rows by',
        defaultValue: defaultBreakerTimelineOptions.sortBy,
        settings: {
          options: [
            { value: 'name', label: 'Name' },
            { value: 'openTime', label: 'Time open' },
            { value: 'transitions', label: 'Transitions' },
          ],
        },
      })
      .addSliderInput({
        path: 'minRowHeight',
        name: 'Minimum row height',
        description: 'Rows never get thinner than this; more services than fit scroll.',
        defaultValue: defaultBreakerTimelineOptions.minRowHeight,
        settings: { min: 4, max: 60, step: 1 },
      })
      .addBooleanSwitch({
        path: 'showLegend',
        name: 'Legend',
        description: "Each state's share of time; click a state to hide it.",
        defaultValue: defaultBreakerTimelineOptions.showLegend,
      })
  );
