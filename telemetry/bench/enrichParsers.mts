// Event enrichment on hostile messages: the SDK's one-pass error extraction against the guide's
// grok regex (the baseline), and the whole enrichEvent on 1 MB messages and queries.
// Run: npm run bench:parsers (from the repository root).
import { enrichEvent, extractError } from '../src/enrich.js';

const guidePattern = /(?<type>[A-Za-z]+Error): (?<message>.*)/s;

function time(fn: () => void, runs: number): number {
  fn();
  const started = performance.now();
  for (let i = 0; i < runs; i++) {
    fn();
  }
  return (performance.now() - started) / runs;
}

// The worst case of the regex: letters with no "Error: " (each start position scans to the end).
const letters = (n: number) => 'a'.repeat(n);
console.log('error extraction, a message of letters without "Error: " (worst case of the regex)');
console.log('| characters | guide regex ms | SDK extractError ms | ratio |');
for (const n of [10_000, 20_000, 40_000, 80_000]) {
  const text = letters(n);
  const regexMs = time(() => guidePattern.exec(text), 1);
  const oursMs = time(() => extractError(text), 20);
  console.log(
    `| ${n.toLocaleString('en')} | ${regexMs.toFixed(1)} | ${oursMs.toFixed(3)} | ${(regexMs / oursMs).toFixed(0)}× |`
  );
}

const mb = 1024 * 1024;
const cases: Array<[string, string]> = [
  ['letters', letters(mb)],
  ['"Error: " repeated', 'Error: '.repeat(mb / 7)],
  ['words and spaces', 'how do I fix the build '.repeat(mb / 23)],
  ['an error at the end', letters(mb - 30) + ' TimeoutError: upstream timed out'],
];
console.log('\nwhole enrichEvent on 1 MB messages (level ERROR, the same text as query)');
console.log('| message | ms per event | MB/s |');
for (const [name, text] of cases) {
  const ms = time(() => enrichEvent({ level: 'ERROR', message: text, query: text, agent_id: `coding:${text}` }), 5);
  console.log(`| ${name} | ${ms.toFixed(2)} | ${(1 / (ms / 1000)).toFixed(0)} |`);
}
