/**
 * Benchmark: frame encoding rate of the backend (frame model -> Arrow IPC file), against the
 * baseline of apache-arrow encoding the same columns from ready typed arrays with
 * tableFromArrays + tableToIPC (no metadata, no nulls handling) in the same run.
 * Goal: >= 1M rows/s. Then the per-frame cost of small series frames against the same baseline.
 *   npm run bench:arrow
 */
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { encodeFrame } from '../src/protocol/arrow.js';
import type { Frame } from '../src/protocol/frame.js';

const ROWS = Number(process.argv[2] ?? 200_000);
const ROUNDS = 7;
const start = Date.now();
const times = Array.from({ length: ROWS }, (_, i) => start + i * 1000);
const values = Array.from({ length: ROWS }, (_, i) => Math.sin(i) * 100);
const operations = Array.from({ length: ROWS }, (_, i) => ['search', 'add', 'update', 'delete'][i % 4]);

const frame: Frame = {
  refId: 'A',
  meta: { type: 'timeseries-multi', typeVersion: [0, 1] },
  fields: [
    { name: 'Time', type: 'time', values: times },
    { name: 'Value', type: 'number', values, labels: { operation: 'search' }, config: { unit: 's' } },
    { name: 'operation', type: 'string', values: operations },
  ],
};

const timesNs = BigInt64Array.from(times, (t) => BigInt(t) * 1_000_000n);
const valuesF64 = Float64Array.from(values);

function measure(fn: () => Uint8Array): number {
  const started = process.hrtime.bigint();
  fn();
  return ROWS / (Number(process.hrtime.bigint() - started) / 1e9);
}

const ours: number[] = [];
const baseline: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  ours.push(measure(() => encodeFrame(frame)));
  baseline.push(
    measure(() => tableToIPC(tableFromArrays({ Time: timesNs, Value: valuesF64, operation: operations }), 'file'))
  );
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const o = median(ours.slice(1));
const b = median(baseline.slice(1));
console.log(
  `Arrow frame encoding, ${ROWS} rows (time, number with labels, string), ${ROUNDS - 1} measured rounds (median)`
);
console.log(`  backend encodeFrame:                    ${(o / 1e6).toFixed(2)} M rows/s (goal >= 1M rows/s)`);
console.log(`  apache-arrow from ready typed arrays:   ${(b / 1e6).toFixed(2)} M rows/s`);
console.log(`  ratio: ${(o / b).toFixed(2)}x of the library baseline`);

// Many small frames, as a dashboard's series are (one frame per series, ~60 points): here the
// per-frame fixed cost counts, which the bulk rate above hides.
const SMALL_ROWS = 61;
const SMALL_FRAMES = 2_000;
const smallFrame: Frame = {
  refId: 'A',
  name: 'search',
  meta: { type: 'timeseries-multi', typeVersion: [0, 1], executedQueryString: 'Expr: histogram_quantile(0.99, …)' },
  fields: [
    { name: 'Time', type: 'time', values: times.slice(0, SMALL_ROWS) },
    {
      name: 'Value',
      type: 'number',
      values: values.slice(0, SMALL_ROWS),
      labels: { operation: 'search' },
      config: { displayNameFromDS: 'search' },
    },
  ],
};
const smallTimes = timesNs.slice(0, SMALL_ROWS);
const smallValues = valuesF64.slice(0, SMALL_ROWS);
const perFrame = (fn: () => void): number => {
  const started = process.hrtime.bigint();
  for (let i = 0; i < SMALL_FRAMES; i++) {
    fn();
  }
  return Number(process.hrtime.bigint() - started) / 1e3 / SMALL_FRAMES;
};
const oursSmall: number[] = [];
const baselineSmall: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  oursSmall.push(perFrame(() => encodeFrame(smallFrame)));
  baselineSmall.push(perFrame(() => tableToIPC(tableFromArrays({ Time: smallTimes, Value: smallValues }), 'file')));
}
const os = median(oursSmall.slice(1));
const bs = median(baselineSmall.slice(1));
console.log(
  `Small frames (${SMALL_ROWS} rows, labels, meta), ${SMALL_FRAMES} per round, ${ROUNDS - 1} measured rounds (median)`
);
console.log(`  backend encodeFrame:                    ${os.toFixed(1)} µs per frame`);
console.log(`  apache-arrow tableFromArrays+tableToIPC: ${bs.toFixed(1)} µs per frame (no metadata)`);
console.log(`  ratio: ${(os / bs).toFixed(2)}x the library's time`);
