import { defineConfig } from '@playwright/test';

// The editors rendered outside Grafana (tests/browser/harness.tsx) in Debian's Chromium:
// Playwright's own browser downloads are not reachable on every machine.
export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts/,
  reporter: 'list',
  timeout: 60_000,
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
});
