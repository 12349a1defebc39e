import type * as alerting from '@grafana/grafana-foundation-sdk/alerting';
import { FOLDER_TITLE, FOLDER_UID, PRODUCT_LABEL } from './rules';
import {
  apiContactPoints,
  apiPolicySubtree,
  apiRuleGroups,
  apiTemplate,
  contactPointName,
  contactPointUid,
  SECRET_OF,
  type ContactSecrets,
} from './grafana';
import { RECEIVERS } from './routing';
import { TEMPLATE_NAME } from './texts';

/**
 * The app's alert installer, without React or I/O: from what Grafana holds now, the requests that
 * make Grafana hold the app's rules, contact points, template and routes — through the alerting
 * provisioning HTTP API with `X-Disable-Provenance`, so that everything stays editable in
 * Grafana's UI. A second plan over the result has no request: the installer is idempotent.
 */
export interface InstallOptions {
  datasourceUid: string;
  folderUid: string;
  folderTitle: string;
  secrets: ContactSecrets;
}

export const DEFAULT_INSTALL: Omit<InstallOptions, 'datasourceUid' | 'secrets'> = {
  folderUid: FOLDER_UID,
  folderTitle: FOLDER_TITLE,
};

/** What Grafana holds now, as its API answered (undefined: answered 404). */
export interface GrafanaState {
  folder?: { uid: string; title: string };
  datasource?: { uid: string; type: string; name: string };
  /** Every alert rule of the org (GET /api/v1/provisioning/alert-rules). */
  rules: alerting.Rule[];
  /** Our groups as GET …/folder/:uid/rule-groups/:group answered them. */
  groups: Record<string, alerting.RuleGroup | undefined>;
  contactPoints: alerting.ContactPoint[];
  templates: alerting.NotificationTemplate[];
  policies: alerting.NotificationPolicy;
}

export type Change = 'create' | 'update';

export interface PlannedRequest {
  method: 'POST' | 'PUT';
  url: string;
  body: unknown;
  /** One line for the review table: what is created or changed. */
  summary: string;
  change: Change;
}

export interface Plan {
  requests: PlannedRequest[];
  /** Resources already as the app defines them. */
  unchanged: string[];
  /** Problems that stop the install, each saying what to do. */
  blockers: string[];
  /** Integrations left out because no secret was typed. */
  skipped: string[];
}

export const DATASOURCE_TYPE = 'memstack-agentmemory-datasource';
export const PROVENANCE_HEADERS = { 'X-Disable-Provenance': 'true' };

/** Fields Grafana adds or owns, left out when comparing what we would send with what it holds. */
const SERVER_FIELDS = new Set(['id', 'updated', 'provenance', 'orgID', 'version', 'notification_settings', 'record']);

function normalise(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(normalise);
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (!SERVER_FIELDS.has(key) && v !== undefined && v !== null && !(key === 'isPaused' && v === false)) {
        out[key] = normalise(v);
      }
    }
    return out;
  }
  return value;
}

const same = (a: unknown, b: unknown) => JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));

/** A route is ours when it matches on the product label and nothing else. */
export function isOurSubtree(route: alerting.NotificationPolicy): boolean {
  const m = route.object_matchers ?? [];
  return m.length === 1 && m[0][0] === PRODUCT_LABEL.name && m[0][1] === '=' && m[0][2] === PRODUCT_LABEL.value;
}

/** The secret settings Grafana redacts in answers: compared by presence only. */
const SECRET_SETTINGS = new Set(['url', 'integrationKey', 'token', 'password']);
function publicSettings(settings: Record<string, unknown> = {}) {
  return Object.fromEntries(Object.entries(settings).filter(([k]) => !SECRET_SETTINGS.has(k)));
}

export function planInstall(state: GrafanaState, options: InstallOptions): Plan {
  const plan: Plan = { requests: [], unchanged: [], blockers: [], skipped: [] };
  if (!state.datasource) {
    plan.blockers.push(
      `No data source with uid "${options.datasourceUid}": add an Agent Memory data source (Connections → Data sources) or pick another one.`
    );
  } else if (state.datasource.type !== DATASOURCE_TYPE) {
    plan.blockers.push(
      `Data source "${state.datasource.name}" is of type ${state.datasource.type}; the rules need an Agent Memory data source (${DATASOURCE_TYPE}).`
    );
  }

  if (!state.folder) {
    plan.requests.push({
      method: 'POST',
      url: '/api/folders',
      body: { uid: options.folderUid, title: options.folderTitle },
      summary: `folder "${options.folderTitle}"`,
      change: 'create',
    });
  } else {
    plan.unchanged.push(`folder "${state.folder.title}"`);
  }

  const template = apiTemplate();
  const heldTemplate = state.templates.find((t) => t.name === TEMPLATE_NAME);
  if (!heldTemplate || heldTemplate.template !== template.template) {
    plan.requests.push({
      method: 'PUT',
      url: `/api/v1/provisioning/templates/${TEMPLATE_NAME}`,
      body: { template: template.template, ...(heldTemplate?.version ? { version: heldTemplate.version } : {}) },
      summary: `notification template "${TEMPLATE_NAME}"`,
      change: heldTemplate ? 'update' : 'create',
    });
  } else {
    plan.unchanged.push(`notification template "${TEMPLATE_NAME}"`);
  }

  // Contact points: one per integration whose secret was typed; existing ones keep their secret
  // unless a new one is typed (Grafana keeps a redacted secret that is not sent again).
  const wanted = apiContactPoints(options.secrets);
  const receiversWithContact = new Set<string>();
  for (const receiver of RECEIVERS) {
    for (const [index, integration] of receiver.integrations.entries()) {
      const uid = contactPointUid(receiver.name, index);
      const held = state.contactPoints.find((c) => c.uid === uid);
      const want = wanted.find((c) => c.uid === uid);
      const label = `contact point "${contactPointName(receiver.name)}" (${integration.type})`;
      if (!want) {
        if (held) {
          receiversWithContact.add(receiver.name);
          plan.unchanged.push(`${label}: kept with its secret`);
        } else {
          plan.skipped.push(`${label}: type its ${secretLabel(integration.type)} to create it`);
        }
        continue;
      }
      receiversWithContact.add(receiver.name);
      if (!held) {
        plan.requests.push({
          method: 'POST',
          url: '/api/v1/provisioning/contact-points',
          body: want,
          summary: label,
          change: 'create',
        });
      } else if (
        !same(publicSettings(held.settings), publicSettings(want.settings)) ||
        held.name !== want.name ||
        held.type !== want.type ||
        !!options.secrets[SECRET_OF[integration.type]]
      ) {
        plan.requests.push({
          method: 'PUT',
          url: `/api/v1/provisioning/contact-points/${uid}`,
          body: want,
          summary: label,
          change: 'update',
        });
      } else {
        plan.unchanged.push(label);
      }
    }
  }

  // Rules: a rule uid of ours held elsewhere is a conflict; our groups are replaced whole.
  const groups = apiRuleGroups({ datasourceUid: options.datasourceUid, folderUid: options.folderUid });
  // File-provisioned resources (docker compose mounts provisioning/alerting) belong to the files:
  // Grafana refuses to change them through the API, so say so instead of failing half-way.
  const ours = new Set(groups.flatMap((g) => (g.rules ?? []).map((r) => r.uid)));
  const fromFiles = state.rules.filter((r) => ours.has(r.uid) && r.provenance === 'file');
  if (fromFiles.length > 0) {
    plan.blockers.push(
      `${fromFiles.length} of the rules are provisioned from files (provenance "file", e.g. provisioning/alerting/agent-memory-rules.yaml of docker compose): only those files can change them. Keep managing them there, or remove the files and restart Grafana to install them here, editable.`
    );
  }
  if (state.policies.provenance === 'file') {
    plan.blockers.push(
      'The notification policy tree is provisioned from a file (provisioning/alerting): only that file can change it. Add the product=agent-memory routes there (the generated agent-memory-notifications.yaml has them), or remove the file to install them here.'
    );
  }
  for (const group of groups) {
    for (const rule of group.rules ?? []) {
      const held = state.rules.find((r) => r.uid === rule.uid);
      if (held && (held.folderUID !== options.folderUid || held.ruleGroup !== group.title)) {
        plan.blockers.push(
          `Rule uid "${rule.uid}" (${rule.title}) already exists in folder ${held.folderUID}, group "${held.ruleGroup}": delete or move that rule, or install into that folder.`
        );
      }
    }
    const held = state.groups[group.title!];
    const label = `rule group "${group.title}" (${(group.rules ?? []).map((r) => r.title).join(', ')})`;
    if (held && same(comparableGroup(held), comparableGroup(group))) {
      plan.unchanged.push(label);
    } else {
      plan.requests.push({
        method: 'PUT',
        url: `/api/v1/provisioning/folder/${encodeURIComponent(options.folderUid)}/rule-groups/${encodeURIComponent(group.title!)}`,
        body: group,
        summary: label,
        change: held ? 'update' : 'create',
      });
    }
  }

  // Routes: our subtree first among the root's routes; every other route is kept as it is.
  const subtree = apiPolicySubtree(receiversWithContact);
  const routes = state.policies.routes ?? [];
  const index = routes.findIndex(isOurSubtree);
  if (index >= 0 && same(routes[index], subtree)) {
    plan.unchanged.push('notification policy subtree "product=agent-memory"');
  } else {
    const nextRoutes = index >= 0 ? routes.map((r, i) => (i === index ? subtree : r)) : [subtree, ...routes];
    plan.requests.push({
      method: 'PUT',
      url: '/api/v1/provisioning/policies',
      body: { ...state.policies, routes: nextRoutes },
      summary: `notification policy subtree "product=agent-memory" (${index >= 0 ? 'replaced' : 'added first'}; your ${routes.length - (index >= 0 ? 1 : 0)} other route(s) kept)`,
      change: index >= 0 ? 'update' : 'create',
    });
  }
  return plan;
}

function secretLabel(type: string): string {
  return type === 'slack' ? 'Slack webhook URL' : type === 'pagerduty' ? 'PagerDuty routing key' : 'webhook URL';
}

/** A group as Grafana answers it and as we send it, reduced to what the app defines. */
function comparableGroup(group: alerting.RuleGroup) {
  return {
    title: group.title,
    folderUid: group.folderUid,
    interval: group.interval,
    // By uid: the order within a group does not change what the rules do.
    rules: [...(group.rules ?? [])]
      .sort((a, b) => (a.uid ?? '').localeCompare(b.uid ?? ''))
      .map((r) => ({
        uid: r.uid,
        title: r.title,
        condition: r.condition,
        data: r.data,
        for: r.for,
        noDataState: r.noDataState,
        execErrState: r.execErrState,
        labels: r.labels,
        annotations: r.annotations,
        folderUID: r.folderUID,
        ruleGroup: r.ruleGroup,
      })),
  };
}

/** Turns an API error into what the admin should do about it. */
export function explainFailure(
  request: { method: string; url: string; summary: string },
  status: number,
  message?: string
): string {
  const what = `${request.method} ${request.url} (${request.summary})`;
  if (status === 401 || status === 403) {
    return `${what}: Grafana refused (${status}). Installing needs the alerting provisioning permissions (alert.provisioning:write, or the Admin/Editor role): ask an admin to run the installer or grant them.`;
  }
  if (status === 409) {
    return `${what}: conflict (${message ?? 'a resource with this uid or name exists'}). Rename or delete the existing one in Grafana, then run the installer again.`;
  }
  return `${what}: Grafana answered ${status}${message ? `: ${message}` : ''}.`;
}
