/**
 * A time axis aligned with the dashboard's range: x from time, and ticks at round intervals
 * (1 s … 1 year) spaced at least `minSpacing` px apart, as Grafana's own graphs place them.
 * Pure; formatting is left to the caller (it knows the dashboard's time zone).
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const STEPS = [
  SECOND,
  2 * SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  30 * DAY,
  365 * DAY,
];

export interface TimeScale {
  from: number;
  to: number;
  width: number;
}

export const timeToX = (s: TimeScale, time: number) => ((time - s.from) / (s.to - s.from)) * s.width;
export const xToTime = (s: TimeScale, x: number) => s.from + (x / s.width) * (s.to - s.from);

export interface TimeTicks {
  step: number;
  times: number[];
  /** A date format that shows what changes between ticks of this step (moment tokens). */
  format: string;
}

/**
 * Ticks on multiples of the step in the time zone's wall clock: `offsetMs` is the zone's offset
 * from UTC at `from` (0 for UTC), so hourly ticks land on the hour where the user is.
 */
export function timeTicks(s: TimeScale, minSpacing = 80, offsetMs = 0): TimeTicks {
  const span = s.to - s.from;
  if (!(span > 0) || !(s.width > 0)) {
    return { step: 0, times: [], format: 'HH:mm' };
  }
  const wanted = (span / s.width) * minSpacing;
  const step = STEPS.find((candidate) => candidate >= wanted) ?? Math.ceil(wanted / (365 * DAY)) * 365 * DAY;
  const first = Math.ceil((s.from + offsetMs) / step) * step - offsetMs;
  const times: number[] = [];
  for (let t = first; t <= s.to; t += step) {
    times.push(t);
  }
  return { step, times, format: formatFor(step, span) };
}

function formatFor(step: number, span: number): string {
  if (step < MINUTE) {
    return 'HH:mm:ss';
  }
  if (step < DAY) {
    return span > DAY ? 'MM/DD HH:mm' : 'HH:mm';
  }
  return step < 365 * DAY ? 'MM/DD' : 'YYYY';
}

/** A duration as people read it: 850 ms, 42 s, 3 min 5 s, 2 h 10 min, 3 d 4 h. */
export function formatDuration(ms: number): string {
  if (ms < SECOND) {
    return `${Math.round(ms)} ms`;
  }
  const parts: Array<[number, string]> = [
    [DAY, 'd'],
    [HOUR, 'h'],
    [MINUTE, 'min'],
    [SECOND, 's'],
  ];
  const out: string[] = [];
  let rest = Math.round(ms / SECOND) * SECOND;
  for (const [unit, name] of parts) {
    if (rest >= unit) {
      out.push(`${Math.floor(rest / unit)} ${name}`);
      rest %= unit;
    }
    if (out.length === 2) {
      break;
    }
  }
  return out.join(' ');
}
