import { BREAKER_STATE_VALUES, DEGRADATION_LEVEL_VALUES } from '../catalog.js';

/** Grafana named colours (the palette's names, usable in thresholds and value mappings). */
export type GrafanaColour = 'green' | 'blue' | 'yellow' | 'orange' | 'red' | 'purple' | 'text';

/** How bad a state is: the overview's verdict and badges read it. */
export type Severity = 'ok' | 'warning' | 'critical';

/** One encoded state: the gauge value, its one spelling, its display text, colour and severity. */
export interface StateEncoding<N extends string = string> {
  readonly value: number;
  readonly name: N;
  readonly display: string;
  readonly colour: GrafanaColour;
  readonly severity: Severity;
}

type BreakerStateName = keyof typeof BREAKER_STATE_VALUES;
type DegradationLevelName = keyof typeof DEGRADATION_LEVEL_VALUES;

/** Circuit breaker states, in value order. Half-open is orange: a probe is in flight, not yet safe. */
export const BREAKER_STATES: ReadonlyArray<StateEncoding<BreakerStateName>> = [
  { value: BREAKER_STATE_VALUES.closed, name: 'closed', display: 'Closed', colour: 'green', severity: 'ok' },
  { value: BREAKER_STATE_VALUES.open, name: 'open', display: 'Open', colour: 'red', severity: 'critical' },
  {
    value: BREAKER_STATE_VALUES.half_open,
    name: 'half_open',
    display: 'Half-open',
    colour: 'orange',
    severity: 'warning',
  },
];

/**
 * Degradation levels, in value order. Essential and read-only cut features (critical, red); reduced
 * and maintenance only slow them down (warning); maintenance is blue because it is planned.
 */
export const DEGRADATION_LEVELS: ReadonlyArray<StateEncoding<DegradationLevelName>> = [
  { value: DEGRADATION_LEVEL_VALUES.normal, name: 'normal', display: 'Normal', colour: 'green', severity: 'ok' },
  {
    value: DEGRADATION_LEVEL_VALUES.reduced,
    name: 'reduced',
    display: 'Reduced',
    colour: 'yellow',
    severity: 'warning',
  },
  {
    value: DEGRADATION_LEVEL_VALUES.essential,
    name: 'essential',
    display: 'Essential',
    colour: 'red',
    severity: 'critical',
  },
  {
    value: DEGRADATION_LEVEL_VALUES.readonly,
    name: 'readonly',
    display: 'Read-only',
    colour: 'red',
    severity: 'critical',
  },
  {
    value: DEGRADATION_LEVEL_VALUES.maintenance,
    name: 'maintenance',
    display: 'Maintenance',
    colour: 'blue',
    severity: 'warning',
  },
];

/** The encoding of a gauge value, or undefined for anything the catalog does not define (-1). */
export function stateOf<N extends string>(
  states: ReadonlyArray<StateEncoding<N>>,
  value: number
): StateEncoding<N> | undefined {
  return states.find((s) => s.value === value);
}
