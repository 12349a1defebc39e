import { readFileSync } from 'node:fs';
import { defineConfig } from '@playwright/test';
import { harnessVariants } from '../compat/variants.cjs';
import { needEnv, OWN_BUILD_PROJECT, standInServer } from './standIn';

// The editors rendered outside Grafana (tests/browser/harness.tsx) in Debian's Chromium, served by
// the Grafana stand-in, which answers through the real backend (tests/conformance/cmd/grafanastandin).
// Playwright's own browser downloads are not reachable on every machine.
//
// One project per harness variant too (tests/compat/README.md): the panel and Overview specs
// again, on pages bundled with the variant's @grafana/* and React (tests/browser/build.mjs), each
// served by its own stand-in on STANDIN_PORT + 100, + 200, …
// Grafana: REACT-VERSIONS (docs/grafana-behaviour.md) — the plugin runs on the React of the
// Grafana that loads it.
const port = Number(process.env.STANDIN_PORT ?? 3999);
const closed = 'http://127.0.0.1:1';
const datasources = {
  agentmemory: {
    jsonData: {
      prometheusUrl: needEnv('PROMETHEUS_URL'),
      elasticsearchUrl: needEnv('ES_URL'),
      jaegerUrl: needEnv('JAEGER_URL'),
      jaegerService: 'agentmemory-demo',
    },
  },
  broken: { jsonData: { prometheusUrl: closed, elasticsearchUrl: closed, jaegerUrl: closed } },
};

export const standInUrl = `http://127.0.0.1:${port}`;

/** The specs that run on every variant: they need nothing but the stand-in and the demo. */
const VARIANT_SPECS = /(panels|overview|harnessVersions)\.spec\.ts$/;

/** A stand-in serving one build directory's pages. */
const standIn = (listen: number, pages: string, log: string) => standInServer({ listen, pages, log, datasources });

/** The React of the repository's own build (package.json), which the default project runs. */
const ownReact: string = JSON.parse(readFileSync(require.resolve('react/package.json'), 'utf8')).version;
const variants = harnessVariants().map((variant, i) => ({ ...variant, port: port + 100 * (i + 1) }));

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts/,
  reporter: 'list',
  timeout: 60_000,
  // One browser at a time: the Overview spec sets faults on the one shared demo, in every project.
  workers: 1,
  webServer: [
    standIn(port, 'build', 'standin-plugin.log'),
    ...variants.map((v) => standIn(v.port, `build/${v.name}`, `standin-plugin-${v.name}.log`)),
  ],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  // The variants first, the repository's own build last: the screenshots the specs save in
  // docs/img are then the ones drawn with the packages the plugin is built with.
  projects: [
    ...variants.map((v) => ({
      name: `${v.name}: @grafana/* ${v.grafanaVersion}, React ${v.reactVersion}`,
      testMatch: VARIANT_SPECS,
      use: { baseURL: `http://127.0.0.1:${v.port}` },
      metadata: { react: v.reactVersion },
    })),
    { name: OWN_BUILD_PROJECT, use: { baseURL: standInUrl }, metadata: { react: ownReact } },
  ],
});
