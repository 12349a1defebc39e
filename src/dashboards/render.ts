import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { BUNDLED, dashboardModel, dashboardPath } from './index';
import { TITLES } from './titles';

/**
 * The JSON the app bundles for one dashboard. Grafana re-imports an app's dashboard only when its
 * `revision` changes, so the revision is the committed one while the content is unchanged and
 * one more when it changed (1 for a new dashboard).
 */
export function renderDashboard(uid: (typeof BUNDLED)[number]['uid'], committedJson?: string): string {
  const model = dashboardModel(uid);
  const committed = committedJson ? (JSON.parse(committedJson) as dashboard.Dashboard) : undefined;
  const previous = committed?.revision ?? 0;
  const unchanged = committed !== undefined && sameContent(committed, model);
  return serialise({ ...model, revision: unchanged ? previous : previous + 1 });
}

function sameContent(a: dashboard.Dashboard, b: dashboard.Dashboard): boolean {
  return serialise({ ...a, revision: 0 }) === serialise({ ...b, revision: 0 });
}

function serialise(model: dashboard.Dashboard): string {
  return JSON.stringify(model, null, 2) + '\n';
}

export interface PluginInclude {
  type: string;
  name: string;
  path?: string;
  uid?: string;
  addToNav?: boolean;
  defaultNav?: boolean;
  role?: string;
  icon?: string;
}

/**
 * plugin.json `includes` with one dashboard entry per bundled dashboard, other entries kept in
 * place. Each names its dashboard's uid: Grafana links a dashboard include in the app's
 * navigation (`addToNav`) only through its uid, and drops the link without one.
 * Grafana: APP-NAV-UID (docs/grafana-behaviour.md)
 */
export function withDashboardIncludes(includes: PluginInclude[]): PluginInclude[] {
  const others = includes.filter((i) => i.type !== 'dashboard');
  const dashboards: PluginInclude[] = BUNDLED.map((d) => ({
    type: 'dashboard',
    name: TITLES[d.uid],
    path: dashboardPath(d.uid),
    uid: d.uid,
    ...(d.main ? { addToNav: true } : {}),
  }));
  return [...others, ...dashboards];
}
