import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { aiAgentOps } from './aiAgentOps';
import { aiAgentPatterns } from './aiAgentPatterns';
import {
  DASHBOARD_TAG,
  DASHBOARD_UIDS,
  dashboardLinks,
  datasourceVariable,
  type DashboardContent,
  type DashboardUid,
} from './common';
import { logsTraces } from './logsTraces';
import { memoryQuality } from './memoryQuality';
import { systemHealth } from './systemHealth';
import { telemetryPipeline } from './telemetryPipeline';
import { TITLES } from './titles';

/** The bundled dashboards; `main` is the one the app's navigation shows. */
export const BUNDLED: Array<{ uid: DashboardUid; build: () => DashboardContent; main?: boolean }> = [
  { uid: DASHBOARD_UIDS.ops, build: aiAgentOps, main: true },
  { uid: DASHBOARD_UIDS.health, build: systemHealth },
  { uid: DASHBOARD_UIDS.patterns, build: aiAgentPatterns },
  { uid: DASHBOARD_UIDS.logsTraces, build: logsTraces },
  { uid: DASHBOARD_UIDS.pipeline, build: telemetryPipeline },
  { uid: DASHBOARD_UIDS.quality, build: memoryQuality },
];

/** Where a bundled dashboard's JSON lives, relative to src/ (and to the plugin's directory once built). */
export const dashboardPath = (uid: DashboardUid) => `dashboards/${uid}.json`;

/**
 * One dashboard's JSON model without its revision (the generator sets that): the shared header —
 * data source variable first, tag, links to the others, time and refresh — on top of its panels.
 *
 * Bundled dashboards are not editable: when a release raises a dashboard's `revision`, Grafana
 * re-imports it over the imported copy, so edits made in place would be lost without a word.
 * Users customise one with "Save as", whose copy is theirs and never overwritten.
 * Grafana: APP-DASH-REVISION, LINT-UNEDITABLE (docs/grafana-behaviour.md)
 */
export function dashboardModel(uid: DashboardUid): dashboard.Dashboard {
  const entry = BUNDLED.find((d) => d.uid === uid);
  if (!entry) {
    throw new Error(`no bundled dashboard ${uid}`);
  }
  const content = entry.build();
  const builder = new dashboard.DashboardBuilder(TITLES[uid]).uid(uid).description(content.description);
  content.panels.forEach((panel) => builder.withPanel(panel));
  content.variables.forEach((variable) => builder.withVariable(variable));
  content.annotations?.forEach((annotation) => builder.annotation(annotation));
  const built = builder
    .tags([DASHBOARD_TAG])
    .readonly()
    .time({ from: 'now-1h', to: 'now' })
    .refresh('30s')
    .timezone('browser')
    .links(dashboardLinks(uid, TITLES))
    .build();
  return { ...built, templating: { list: [datasourceVariable().build(), ...(built.templating?.list ?? [])] } };
}
