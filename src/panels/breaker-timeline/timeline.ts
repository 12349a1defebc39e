import { DataFrame, FieldType } from '@grafana/data';

/** Breaker states as `circuit_breaker_state` encodes them (closed 0, open 1, half-open 2, unknown -1). */
export type BreakerState = 'closed' | 'open' | 'half_open' | 'unknown';

export function stateOf(value: number | null | undefined): BreakerState {
  switch (value) {
    case 0:
      return 'closed';
    case 1:
      return 'open';
    case 2:
      return 'half_open';
    default:
      return 'unknown';
  }
}

/** One stretch of time in one state. `to` is the next change (or the last sample). */
export interface Run {
  from: number;
  to: number;
  state: BreakerState;
}

export interface BreakerRow {
  name: string;
  runs: Run[];
}

/** The row name: the service_name label, else the field's display name, else the frame name. */
function rowName(frame: DataFrame, fieldIndex: number): string {
  const field = frame.fields[fieldIndex];
  return field.labels?.service_name ?? field.config?.displayNameFromDS ?? frame.name ?? field.name;
}

/**
 * Turns time series of breaker states into rows of runs, merging consecutive equal samples
 * (Grafana's "changes" mode): a breaker that rarely changes costs a few runs, not one per sample.
 */
export function breakerRows(frames: DataFrame[], rangeTo?: number): BreakerRow[] {
  const rows: BreakerRow[] = [];
  for (const frame of frames) {
    const time = frame.fields.find((f) => f.type === FieldType.time);
    if (!time) {
      continue;
    }
    frame.fields.forEach((field, index) => {
      if (field.type !== FieldType.number) {
        return;
      }
      const runs: Run[] = [];
      for (let i = 0; i < frame.length; i++) {
        const t = Number(time.values[i]);
        const state = stateOf(field.values[i] as number | null);
        const last = runs[runs.length - 1];
        if (last && last.state === state) {
          last.to = t;
        } else {
          if (last) {
            last.to = t;
          }
          runs.push({ from: t, to: t, state });
        }
      }
      const last = runs[runs.length - 1];
      if (last && rangeTo !== undefined && rangeTo > last.to) {
        last.to = rangeTo;
      }
      rows.push({ name: rowName(frame, index), runs });
    });
  }
  return rows.sort((a, b) => a.name.localeCompare(b.name));
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
  state: BreakerState;
}

/**
 * Pixel rectangles of the runs inside a plot area: x from time, y from row; at least 1 px wide
 * so that a short opening stays visible.
 */
export function layoutRuns(
  rows: BreakerRow[],
  from: number,
  to: number,
  width: number,
  height: number,
  gap = 2
): Rect[] {
  if (rows.length === 0 || to <= from || width <= 0 || height <= 0) {
    return [];
  }
  const rowHeight = height / rows.length;
  const scale = width / (to - from);
  const rects: Rect[] = [];
  rows.forEach((row, r) => {
    for (const run of row.runs) {
      const x0 = Math.max(0, (run.from - from) * scale);
      const x1 = Math.min(width, (run.to - from) * scale);
      if (x1 < 0 || x0 > width) {
        continue;
      }
      const w = Math.max(1, Math.round(x1 - x0));
      rects.push({
        // A run too short to see gets 1 px, kept inside the plot even at its right edge.
        x: Math.min(Math.floor(x0), width - w),
        y: r * rowHeight + gap / 2,
        width: w,
        height: Math.max(1, rowHeight - gap),
        state: run.state,
      });
    }
  });
  return rects;
}
