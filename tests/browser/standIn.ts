import { expect, type Page } from '@playwright/test';

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
