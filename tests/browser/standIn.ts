import { join } from 'node:path';
import { expect, test, type Page, type PlaywrightTestConfig } from '@playwright/test';

/**
 * Shared by the Chromium specs and their config: the stack's URLs from the environment, and the
 * Grafana stand-in's scenario switch (tests/conformance/cmd/grafanastandin/alerting.go).
 */

/** A URL the stack exports (`eval "$(bash scripts/stack.sh env)"`), or an error saying how to get it. */
export function needEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: bring the stack up (bash scripts/stack.sh up) and eval "$(bash scripts/stack.sh env)" first`
    );
  }
  return value;
}

export type StandInScenario = 'default' | 'forbidden' | 'conflict' | 'no-datasource' | 'files';

/** Resets the stand-in's Grafana state (data sources, folders, rules, policies) to a scenario. */
export async function resetStandIn(page: Page, scenario: StandInScenario): Promise<void> {
  const answer = await page.request.post(`/__standin/alerting/reset?scenario=${scenario}`);
  expect(answer.ok()).toBe(true);
}

/** The project that runs the repository's own build (playwright.config.ts). */
export const OWN_BUILD_PROJECT = 'chromium';

/**
 * Where a spec saves a picture: docs/img for the repository's own build, the test's output folder
 * for the other @grafana/* and React versions, so the docs show what the plugin is built with.
 */
export function picturePath(file: string): string {
  return test.info().project.name === OWN_BUILD_PROJECT
    ? join(__dirname, '../../docs/img', file)
    : test.info().outputPath(file);
}

type WebServer = Extract<NonNullable<PlaywrightTestConfig['webServer']>, { command: string }>;

/**
 * The Grafana stand-in (tests/conformance/cmd/grafanastandin, built into tests/browser/build) as a
 * Playwright web server: on a loopback port, with data sources by uid, serving a build directory's
 * pages when given one, running the real backend executable.
 */
export function standInServer(options: {
  listen: number;
  log: string;
  datasources: Record<string, unknown>;
  pages?: string;
}): WebServer {
  const repo = join(__dirname, '../..');
  const quoted = `'${JSON.stringify(options.datasources).replaceAll("'", "'\\''")}'`;
  const pages = options.pages ? ` -static ${options.pages}` : '';
  return {
    command: `./build/grafana-standin -listen 127.0.0.1:${options.listen}${pages} -plugin-log build/${options.log} -datasources ${quoted}`,
    cwd: __dirname,
    url: `http://127.0.0.1:${options.listen}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      AGENTMEMORY_PLUGIN_BIN:
        process.env.AGENTMEMORY_PLUGIN_BIN ?? join(repo, 'dist/datasource/gpx_agentmemory_linux_amd64'),
    },
  };
}
