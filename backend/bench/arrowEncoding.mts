/**
 * Benchmark: frame encoding rate of the backend (frame model -> Arrow IPC file), against the
 * baseline of apache-arrow encoding the same columns from ready typed arrays with
 * tableFromArrays + tableToIPC (no metadata, no nulls handling) in the same run.
 * Goal: >= 1M rows/s.
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
