import { urlUtil } from '@grafana/data';
import type { DashboardUid } from '../../dashboards/common';
import { DATASOURCE_PLUGIN_ID } from '../../constants';
import type { QueryModel } from '../../../contract';

/** Links out of the overview: pure URL building, so tests can check where each one lands. */

export const dashboardUrl = (uid: DashboardUid, vars: Record<string, string> = {}) =>
  urlUtil.renderUrl(`/d/${uid}`, {
    from: 'now-1h',
    to: 'now',
    ...Object.fromEntries(Object.entries(vars).map(([k, v]) => [`var-${k}`, v])),
  });

/**
 * Explore with one query of the Agent Memory data source (Grafana's `panes` URL format), in the
 * user's active organisation: the link carries no `orgId`. Grafana: URL-ORGID-SWITCH
 * (docs/grafana-behaviour.md): an `orgId` that is not the active org switches the user to it, and
 * data source uids are per org (DS-UID-PER-ORG), so a fixed orgId would move users of other orgs
 * to org 1 and query a data source they lack.
 */
export function exploreUrl(datasourceUid: string, query: QueryModel, from = 'now-1h'): string {
  const panes = {
    a: {
      datasource: datasourceUid,
      queries: [{ refId: 'A', datasource: { type: DATASOURCE_PLUGIN_ID, uid: datasourceUid }, ...query }],
      range: { from, to: 'now' },
    },
  };
  return urlUtil.renderUrl('/explore', { schemaVersion: 1, panes: JSON.stringify(panes) });
}
