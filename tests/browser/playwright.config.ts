import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { needEnv } from './standIn';

// The editors rendered outside Grafana (tests/browser/harness.tsx) in Debian's Chromium, served by
// the Grafana stand-in, which answers through the real backend (tests/conformance/cmd/grafanastandin).
// Playwright's own browser downloads are not reachable on every machine.
const port = Number(process.env.STANDIN_PORT ?? 3999);
const closed = 'http://127.0.0.1:1';
const datasources = JSON.stringify({
  agentmemory: {
    jsonData: {
      prometheusUrl: needEnv('PROMETHEUS_URL'),
      elasticsearchUrl: needEnv('ES_URL'),
      jaegerUrl: needEnv('JAEGER_URL'),
      jaegerService: 'agentmemory-demo',
    },
  },
  broken: { jsonData: { prometheusUrl: closed, elasticsearchUrl: closed, jaegerUrl: closed } },
});
const repo = path.resolve(__dirname, '../..');

export const standInUrl = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts/,
  reporter: 'list',
  timeout: 60_000,
  webServer: {
    command: `./build/grafana-standin -listen 127.0.0.1:${port} -static build -plugin-log build/standin-plugin.log -datasources '${datasources}'`,
    cwd: __dirname,
    url: `${standInUrl}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      AGENTMEMORY_PLUGIN_BIN:
        process.env.AGENTMEMORY_PLUGIN_BIN ?? path.join(repo, 'dist/datasource/gpx_agentmemory_linux_amd64'),
    },
  },
  use: {
    baseURL: standInUrl,
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
});
