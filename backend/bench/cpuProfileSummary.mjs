// Summarises a V8 .cpuprofile as text: the functions with the most self time, and the call tree
// (inclusive time) down to a share, indented: a flame graph in a terminal.
//   node backend/bench/cpuProfileSummary.mjs <file.cpuprofile> [min share of the tree, % (default 1)]
import { readFileSync } from 'node:fs';

const [file, minShareArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: cpuProfileSummary.mjs <file.cpuprofile> [min %]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const minShare = Number(minShareArg ?? 1) / 100;
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const selfMicros = new Map();
profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const label = (n) =>
  `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').pop() || ''}:${n.callFrame.lineNumber + 1}`;

const inclusive = new Map();
const total = (id) => {
  if (!inclusive.has(id)) {
    const n = nodes.get(id);
    inclusive.set(id, (selfMicros.get(id) ?? 0) + (n.children ?? []).reduce((sum, c) => sum + total(c), 0));
  }
  return inclusive.get(id);
};
const root = profile.nodes[0].id;
const all = total(root);
const idle = [...nodes.values()].filter((n) => n.callFrame.functionName === '(idle)').reduce((s, n) => s + total(n.id), 0);
const busy = all - idle;
const ms = (us) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
const pct = (us) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;

console.log(`profile ${(all / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s (shares below are of busy time)`);
console.log('\nself time by function');
const bySelf = new Map();
for (const [id, us] of selfMicros) {
  const n = nodes.get(id);
  if (n.callFrame.functionName !== '(idle)') {
    bySelf.set(label(n), (bySelf.get(label(n)) ?? 0) + us);
  }
}
[...bySelf].sort((a, b) => b[1] - a[1]).slice(0, 25).forEach(([name, us]) => console.log(`${ms(us)} ${pct(us)}  ${name}`));

console.log(`\ncall tree, inclusive time (nodes >= ${(minShare * 100).toFixed(1)}% of busy time)`);
const walk = (id, depth) => {
  const n = nodes.get(id);
  const us = total(id);
  if (us < busy * minShare || n.callFrame.functionName === '(idle)') {
    return;
  }
  console.log(`${ms(us)} ${pct(us)}  ${'  '.repeat(depth)}${label(n)}`);
  [...(n.children ?? [])].sort((a, b) => total(b) - total(a)).forEach((c) => walk(c, depth + 1));
};
walk(root, 0);
