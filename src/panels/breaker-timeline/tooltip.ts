import { dateTimeFormat } from '@grafana/data';
import { formatDuration } from '../shared/timeScale';
import { firstRunEndingAfter, runAt, type Row, type StateStyle } from './timeline';

/** What the tooltip says of a row at a time: its state since when and for how long. */
export function tooltipFor(row: Row, time: number, states: StateStyle[], timeZone: string) {
  const i = runAt(row, time);
  if (i < 0) {
    return {
      title: row.name,
      rows: [
        { label: 'State', value: 'no data' },
        { label: 'At', value: dateTimeFormat(time, { timeZone }) },
        { label: 'Transitions in range', value: String(row.transitions) },
      ],
    };
  }
  const state = states[row.states[i]];
  return {
    title: row.name,
    rows: [
      { label: 'State', value: state.text, color: state.color },
      { label: 'Since', value: dateTimeFormat(row.starts[i], { timeZone }) },
      { label: 'For', value: formatDuration(row.ends[i] - row.starts[i]) },
      { label: 'Transitions in range', value: String(row.transitions) },
    ],
  };
}

/** The middle of the previous or next run from a time, for arrow-key moves along a row. */
export function neighbourChange(row: Row, time: number, direction: 1 | -1, from: number, to: number): number {
  const i = runAt(row, time);
  // In a gap, the next run is the first that ends after the time, the previous the one before it.
  const j = i >= 0 ? i + direction : firstRunEndingAfter(row, time) - (direction > 0 ? 0 : 1);
  if (j < 0 || j >= row.length) {
    return time;
  }
  const start = Math.max(row.starts[j], from);
  const end = Math.min(row.ends[j], to);
  return start + (end - start) / 2;
}
