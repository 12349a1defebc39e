// Bundles the browser harness (our editors, React, @grafana/ui) into one file per page for Chromium:
// once with the repository's own packages (build/), and once per harness variant under
// tests/compat (build/<variant>/), whose pinned @grafana/* and React replace the repository's, so
// the same pages run on the plugin's declared floor and on the current Grafana release's React
// (tests/compat/README.md). HARNESS_VARIANT=<name> builds only that one ("default": the
// repository's own).
// Grafana: REACT-VERSIONS (docs/grafana-behaviour.md) — a plugin runs on the React of the
// Grafana that loads it: 18 on Grafana 12.x, 19 on 13.2.
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// Grafana behaviours this file imitates, each a row of docs/grafana-behaviour.md:
//   Grafana: BOOT-DATA (docs/grafana-behaviour.md)

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '../..');
const require = createRequire(import.meta.url);
const { harnessVariants } = require('../compat/variants.cjs');
const FLOOR_VARIANT = 'floor';

/** Every page: its entry, its bundle, and whether the variants need it (their specs open it). */
const PAGES = [
  // The data source's editors (editors.spec.ts, dataSourceCheck.spec.ts).
  { html: 'index.html', entry: 'harness.tsx', script: 'harness.js', inVariants: false },
  // Our panels, rendered as a dashboard renders them (panels.spec.ts, docs/img).
  { html: 'panels.html', entry: 'panels.tsx', script: 'panels.js', inVariants: true },
  // The app's configuration page with the alert installer (alertInstaller.spec.ts).
  { html: 'installer.html', entry: 'installer.tsx', script: 'installer.js', inVariants: false },
  // The app's Overview page (overview.spec.ts, README and docs/ screenshots).
  { html: 'overview.html', entry: 'overview.tsx', script: 'overview.js', inVariants: true },
  // Pictures of the bundled dashboards' panels (dashboardData.spec.ts, docs/dashboards.md).
  { html: 'dashboard-preview.html', entry: 'dashboardPreview.tsx', script: 'dashboard-preview.js', inVariants: false },
  // The panel benchmark page (npm run bench:panels).
  { html: 'panel-bench.html', entry: 'bench/panelBench.ts', script: 'panel-bench.js', inVariants: false },
];

/**
 * An esbuild plugin that resolves the variant's packages (react, @grafana/ui, … and their
 * subpaths) from the variant's own node_modules whenever code outside that tree imports them: our
 * sources and the repository's other dependencies then share the variant's single React.
 */
function variantPackages(variant) {
  const names = variant.packages.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|');
  return {
    name: `harness-variant-${variant.name}`,
    setup(b) {
      const again = Symbol('resolved from the variant');
      b.onResolve({ filter: new RegExp(`^(${names})(/.*)?$`) }, async (args) => {
        if (args.pluginData === again || args.importer.startsWith(variant.dir + sep)) {
          return undefined;
        }
        const found = await b.resolve(args.path, { kind: args.kind, resolveDir: variant.dir, pluginData: again });
        return { path: found.path, namespace: found.namespace, sideEffects: found.sideEffects, errors: found.errors };
      });
    },
  };
}

/** Where a package's file lies for this build: the variant's tree, or the repository's. */
function packageFile(variant, file) {
  return require.resolve(file, { paths: [variant ? variant.dir : repo] });
}

async function buildPages(variant) {
  const out = variant ? join(here, 'build', variant.name) : join(here, 'build');
  mkdirSync(out, { recursive: true });
  const grafanaVersion = JSON.parse(
    readFileSync(packageFile(variant, '@grafana/runtime/package.json'), 'utf8')
  ).version;
  const pages = PAGES.filter((p) => !variant || p.inVariants);
  // A stylesheet left from an earlier build would be linked although the bundle no longer has one.
  pages.forEach((page) => rmSync(join(out, page.script.replace(/\.js$/, '.css')), { force: true }));
  await Promise.all(
    pages.map((page) =>
      build({
        entryPoints: [join(here, page.entry)],
        outfile: join(out, page.script),
        bundle: true,
        format: 'iife',
        platform: 'browser',
        target: 'chrome120',
        jsx: 'automatic',
        define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
        // Stylesheets the packages import (react-data-grid's for TableNG) go to <page>.css, which
        // the page links, as Grafana's webpack injects them.
        loader: {
          '.svg': 'text',
          '.css': 'css',
          '.woff': 'empty',
          '.woff2': 'empty',
          '.ttf': 'empty',
          '.png': 'empty',
        },
        // The SDK's browser-safe signals from source, as webpack and jest resolve them.
        alias: { '@memstack/telemetry/signals': join(repo, 'telemetry/src/signals/index.ts') },
        plugins: variant ? [variantPackages(variant)] : [],
        logLevel: 'error',
      })
    )
  );
  // uPlot's own stylesheet: @grafana/ui's TimeSeries positions its canvas and overlay with it.
  copyFileSync(packageFile(variant, 'uplot/dist/uPlot.min.css'), join(out, 'uPlot.min.css'));
  // grafanaBootData must exist before @grafana/runtime reads its config.
  const boot = `<script>window.grafanaBootData = { settings: { featureToggles: {}, buildInfo: { version: '${grafanaVersion}' } }, user: { orgId: 1 }, navTree: [] };</script>`;
  for (const page of pages) {
    const stylesheet = page.script.replace(/\.js$/, '.css');
    const bundled = existsSync(join(out, stylesheet)) ? `\n<link rel="stylesheet" href="${stylesheet}">` : '';
    const body =
      page.html === 'index.html'
        ? `<body><div id="root"></div><script src="${page.script}"></script></body>`
        : `<body style="margin:0"><div id="root"></div><script src="${page.script}"></script></body>`;
    const head =
      (page.html === 'index.html' ? boot : `${boot}\n<link rel="stylesheet" href="uPlot.min.css">`) + bundled;
    writeFileSync(
      join(out, page.html),
      `<!doctype html><html><head><meta charset="utf-8"><title>Agent Memory harness</title>\n${head}\n</head>${body}</html>`
    );
  }
  console.log(`built ${pages.map((p) => p.html).join(', ')} in ${out} (@grafana/* ${grafanaVersion})`);
}

/** The floor variant must be the floor src/plugin.json declares, or it tests another version. */
function checkFloor(variant) {
  const declared = JSON.parse(readFileSync(join(repo, 'src/plugin.json'), 'utf8')).dependencies.grafanaDependency;
  const floor = declared.replace(/^>=\s*/, '');
  if (variant.grafanaVersion !== floor) {
    throw new Error(
      `tests/compat/${FLOOR_VARIANT} pins @grafana/ui ${variant.grafanaVersion}, but src/plugin.json declares ${declared}: pin ${floor} there (and run npm install --package-lock-only --prefix tests/compat/${FLOOR_VARIANT})`
    );
  }
}

const only = process.env.HARNESS_VARIANT;
const variants = harnessVariants();
if (only && only !== 'default' && !variants.some((v) => v.name === only)) {
  throw new Error(
    `HARNESS_VARIANT=${only}: no tests/compat/${only}/package.json (known: ${variants.map((v) => v.name)})`
  );
}
if (!only || only === 'default') {
  await buildPages(undefined);
}
for (const variant of variants.filter((v) => !only || v.name === only)) {
  if (variant.name === FLOOR_VARIANT) {
    checkFloor(variant);
  }
  execFileSync('bash', [join(repo, 'tests/compat/install.sh'), variant.name], { stdio: 'inherit' });
  await buildPages(variant);
}

// The Grafana stand-in that serves these pages and answers their API calls through the real backend.
execFileSync('go', ['build', '-o', join(here, 'build', 'grafana-standin'), './cmd/grafanastandin'], {
  cwd: join(here, '..', 'conformance'),
  stdio: 'inherit',
});
console.log(`built ${join(here, 'build', 'grafana-standin')}`);
