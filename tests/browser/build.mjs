// Bundles the browser harness (our editors, React, @grafana/ui) into one file for Chromium.
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'build');
mkdirSync(out, { recursive: true });
const bundle = (entry, outfile) =>
  build({
    entryPoints: [join(here, entry)],
    outfile: join(out, outfile),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    loader: { '.svg': 'text', '.css': 'empty', '.woff': 'empty', '.woff2': 'empty', '.png': 'empty' },
    logLevel: 'error',
  });
await bundle('harness.tsx', 'harness.js');
// Our panels, rendered as a dashboard renders them (tests/browser/panels.spec.ts, docs/img).
await bundle('panels.tsx', 'panels.js');
// The app's configuration page with the alert installer (alertInstaller.spec.ts).
await bundle('installer.tsx', 'installer.js');
// The app's Overview page (overview.spec.ts, README screenshots).
await bundle('overview.tsx', 'overview.js');
// Pictures of the bundled dashboards' panels (dashboardData.spec.ts, README).
await bundle('dashboardPreview.tsx', 'dashboard-preview.js');
// The panel benchmark page (npm run bench:panels).
await bundle('bench/panelBench.ts', 'panel-bench.js');
// grafanaBootData must exist before @grafana/runtime reads its config.
writeFileSync(
  join(out, 'index.html'),
  `<!doctype html><html><head><meta charset="utf-8"><title>Agent Memory editors</title>
<script>window.grafanaBootData = { settings: { featureToggles: {}, buildInfo: { version: '12.3.0' } }, user: { orgId: 1 }, navTree: [] };</script>
</head><body><div id="root"></div><script src="harness.js"></script></body></html>`
);
// uPlot's own stylesheet: @grafana/ui's TimeSeries positions its canvas and overlay with it.
copyFileSync(join(here, '../../node_modules/uplot/dist/uPlot.min.css'), join(out, 'uPlot.min.css'));
for (const [page, script] of [
  ['panels.html', 'panels.js'],
  ['panel-bench.html', 'panel-bench.js'],
  ['installer.html', 'installer.js'],
  ['overview.html', 'overview.js'],
  ['dashboard-preview.html', 'dashboard-preview.js'],
]) {
  writeFileSync(
    join(out, page),
    `<!doctype html><html><head><meta charset="utf-8"><title>Agent Memory panels</title>
<script>window.grafanaBootData = { settings: { featureToggles: {}, buildInfo: { version: '12.3.0' } }, user: { orgId: 1 }, navTree: [] };</script>
<link rel="stylesheet" href="uPlot.min.css">
</head><body style="margin:0"><div id="root"></div><script src="${script}"></script></body></html>`
  );
}
console.log(`built ${join(out, 'index.html')}, panels.html, panel-bench.html`);

// The Grafana stand-in that serves this page and answers its API calls through the real backend.
execFileSync('go', ['build', '-o', join(out, 'grafana-standin'), './cmd/grafanastandin'], {
  cwd: join(here, '..', 'conformance'),
  stdio: 'inherit',
});
console.log(`built ${join(out, 'grafana-standin')}`);
