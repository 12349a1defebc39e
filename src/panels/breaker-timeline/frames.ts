import { BREAKER_STATES, BREAKER_STATE_VALUES } from '@memstack/telemetry/signals';
import {
  FieldType,
  getDisplayProcessor,
  getFieldDisplayName,
  MappingType,
  type DataFrame,
  type Field,
  type GrafanaTheme2,
  type ValueMapping,
} from '@grafana/data';
import {
  makeClassifier,
  rowStats,
  seriesRow,
  StateRegistry,
  type Classifier,
  type Row,
  type StateStyle,
} from './timeline';

/** The SDK's encoding of `circuit_breaker_state`, used when a field has no value mappings. */
export const DEFAULT_BREAKER_MAPPINGS: ValueMapping[] = [
  {
    type: MappingType.ValueToText,
    options: Object.fromEntries(
      BREAKER_STATES.map((s, index) => [String(s.value), { text: s.display, color: s.colour, index }])
    ),
  },
];

/** The raw value that means "open", whose time the rows can be sorted by. */
export const OPEN_VALUE = BREAKER_STATE_VALUES.open;

export interface TimelineModel {
  rows: Row[];
  states: StateStyle[];
  /** Index of the open state, or -1. */
  openState: number;
}

function mappedValues(mappings: ValueMapping[]): number[] {
  return mappings.flatMap((m) =>
    m.type === MappingType.ValueToText
      ? Object.entries(m.options)
          .sort(([, a], [, b]) => (a.index ?? 0) - (b.index ?? 0))
          .map(([key]) => Number(key))
          .filter(Number.isFinite)
      : []
  );
}

/**
 * A field's display of a raw state value: its mapping's text and colour (any mapping type), with
 * the field's unit and decimals for the text a mapping leaves out; "unknown" in grey otherwise.
 */
function stateDisplay(field: Field, theme: GrafanaTheme2): (value: number) => StateStyle {
  const mappings = field.config.mappings?.length ? field.config.mappings : DEFAULT_BREAKER_MAPPINGS;
  const mapped = getDisplayProcessor({ field: { ...field, config: { ...field.config, mappings } }, theme });
  const plain = getDisplayProcessor({ field: { ...field, config: { ...field.config, mappings: [] } }, theme });
  const textOf = (d: { prefix?: string; text: string; suffix?: string }) =>
    `${d.prefix ?? ''}${d.text}${d.suffix ?? ''}`;
  return (value) => {
    // @grafana/data does not export its mapping matcher; a mapping is what changes the display.
    const shown = mapped(value);
    const unmapped = plain(value);
    if (textOf(shown) === textOf(unmapped) && shown.color === unmapped.color) {
      return { text: `unknown (${textOf(unmapped)})`, color: theme.colors.text.disabled };
    }
    return { text: textOf(shown), color: shown.color ?? theme.colors.text.disabled };
  };
}

/**
 * Rows of a breaker timeline from any frames with a time field and number fields: one row per
 * number field, named by Grafana's display name (labels, legend format, overrides), states from
 * the field's value mappings (the guide's encoding by default).
 */
export function timelineModel(frames: DataFrame[], theme: GrafanaTheme2, from: number, to: number): TimelineModel {
  const registry = new StateRegistry();
  const rows: Row[] = [];
  let openState = -1;
  const classifiers: Classifier[] = [];
  for (const frame of frames) {
    const time = frame.fields.find((f) => f.type === FieldType.time);
    if (!time) {
      continue;
    }
    for (const field of frame.fields) {
      if (field.type !== FieldType.number || field.config.custom?.hideFrom?.viz) {
        continue;
      }
      const classify = makeClassifier(stateDisplay(field, theme), registry);
      mappedValues(field.config.mappings?.length ? field.config.mappings : DEFAULT_BREAKER_MAPPINGS).forEach(classify);
      if (openState < 0) {
        openState = classify(OPEN_VALUE);
      }
      classifiers.push(classify);
      rows.push(
        seriesRow(
          {
            name: getFieldDisplayName(field, frame, frames),
            times: time.values as number[],
            values: field.values as Array<number | null>,
            step: field.config.interval ?? time.config.interval ?? undefined,
          },
          classify,
          from,
          to
        )
      );
    }
  }
  rows.forEach((row) => rowStats(row, from, to, registry.states.length));
  return { rows, states: registry.states, openState };
}
