// npm run bench:panels: times each panel's draw in Chromium (Debian's, through playwright-core)
// against a bare baseline on the same canvas, at 10k, 100k and 1M input points, and prints the
// ratio, the growth with N and the hover time. The page is tests/browser/bench/panelBench.ts.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const page = join(repo, 'tests/browser/build/panel-bench.html');
if (!existsSync(page) || process.argv.includes('--build')) {
  execFileSync('node', ['tests/browser/build.mjs'], { cwd: repo, stdio: 'inherit' });
}
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.error(
    `Chromium is not at ${executablePath}: install Debian's chromium (bash scripts/stack.sh installs it) or set CHROMIUM_PATH.`
  );
  process.exit(1);
}
const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
try {
  const tab = await browser.newPage();
  await tab.goto(pathToFileURL(page).href);
  await tab.waitForFunction(() => window.benchReady === true);
  const repeats = 7;
  const rows = [];
  const sizes = [
    ['timeline', 100, 100],
    ['timeline', 1000, 100],
    ['timeline', 1000, 1000],
    ['heatmap', 20, 500],
    ['heatmap', 20, 5000],
    ['heatmap', 20, 50000],
  ];
  for (const [kind, a, b] of sizes) {
    const r = await tab.evaluate(
      ([k, x, y, n]) => (k === 'timeline' ? window.benchTimeline(x, y, n) : window.benchHeatmap(x, y, n)),
      [kind, a, b, repeats]
    );
    rows.push({
      kind,
      shape: kind === 'timeline' ? `${a} services × ${b} changes` : `${a} buckets × ${b} columns`,
      ...r,
    });
  }
  const fmt = (n, d = 2) => n.toFixed(d);
  console.log(`Chromium ${browser.version()}, canvas 1000×600, median of ${repeats} draws (after 2 warm-ups)\n`);
  console.log('| panel | input | points | visible cells | prepare ms | our draw ms | baseline ms | ratio | hover µs |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.kind} | ${r.shape} | ${r.points.toLocaleString('en')} | ${r.visibleCells.toLocaleString('en')} | ${fmt(r.prepareMs, 1)} | ${fmt(r.ours)} | ${fmt(r.baseline)} | ${r.ours / r.baseline < 0.1 ? (r.ours / r.baseline).toPrecision(2) : fmt(r.ours / r.baseline)}× | ${fmt(r.hoverUs, 3)} |`
    );
  }
  for (const kind of ['timeline', 'heatmap']) {
    const of = rows.filter((r) => r.kind === kind);
    const first = of[0];
    const last = of[of.length - 1];
    console.log(
      `\n${kind}: ×${last.points / first.points} input points → draw ×${fmt(last.ours / first.ours, 1)}, prepare ×${fmt(last.prepareMs / first.prepareMs, 1)} (linear would be ×${last.points / first.points}); worst draw ratio ${fmt(Math.max(...of.map((r) => r.ours / r.baseline)))}× (goal ≤ 1.5×); hover at ${last.points.toLocaleString('en')} points ${fmt(last.hoverUs, 3)} µs (goal < 1 ms)`
    );
  }
} finally {
  await browser.close();
}
