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
import { DATASOURCE_PLUGIN_ID } from '../constants';

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

/**
 * A write that replaces more than the app's own part (the policy tree, a rule group holding a
 * user's rules): what Grafana answered at Review, read again and compared before the write.
 */
export interface Precondition {
  url: string;
  /** As Grafana answered at Review; undefined: it answered 404. */
  held: unknown;
  /** What it is, for the message when it changed. */
  what: string;
}

export interface PlannedRequest {
  method: 'POST' | 'PUT';
  url: string;
  body: unknown;
  /** One line for the review table: what is created or changed. */
  summary: string;
  change: Change;
  precondition?: Precondition;
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

export const PROVENANCE_HEADERS = { 'X-Disable-Provenance': 'true' };

/* ---------- what Grafana stores for what is sent ---------- */

/** A resource as the installer sends it. */
export type SentResource =
  | { kind: 'ruleGroup'; value: alerting.RuleGroup }
  | { kind: 'route'; value: alerting.NotificationPolicy }
  | { kind: 'template'; name: string; value: string };

// Grafana: API-RULE-PRESAVE (docs/grafana-behaviour.md): AlertQuery.PreSave sets these when a
// query model has none, has one that is not a number, or 0.
const PRESAVE_MODEL_DEFAULTS = { intervalMs: 1000, maxDataPoints: 43200 } as const;

// Grafana: API-ROUTE-CONTINUE (docs/grafana-behaviour.md): the route fields marshalled `omitempty`.
const OMITEMPTY_ROUTE_FIELDS = [
  'receiver',
  'group_by',
  'match',
  'match_re',
  'matchers',
  'object_matchers',
  'mute_time_intervals',
  'active_time_intervals',
  'continue',
  'routes',
  'group_wait',
  'group_interval',
  'repeat_interval',
] as const;

/**
 * What Grafana's provisioning API stores, and so answers, for what the installer sends: the plan
 * compares this with what Grafana holds, so that a second Review after an Apply plans nothing.
 * - rule groups, Grafana: API-RULE-PRESAVE (docs/grafana-behaviour.md): every query takes its
 *   model's `queryType` (or "") and its model gets `intervalMs: 1000` and `maxDataPoints: 43200`
 *   where missing or 0 (`AlertQuery.PreSave`, grafana pkg/services/ngalert/models/alert_query.go);
 * - routes, Grafana: API-ROUTE-CONTINUE: `continue: false`, empty lists and an empty receiver are
 *   not answered (grafana/alerting definition `Route`, `omitempty`);
 * - templates, Grafana: API-TEMPLATE-TRIM: stored trimmed, and wrapped in a `define` of their name
 *   when they have none (`NotificationTemplate.Validate`).
 */
export function asGrafanaStores<R extends SentResource>(resource: R): StoredAs<R> {
  return storedAs(resource) as StoredAs<R>;
}

/** What Grafana answers for a sent resource has the type it was sent with. */
export type StoredAs<R extends SentResource> = R['value'];

function storedAs(resource: SentResource): SentResource['value'] {
  switch (resource.kind) {
    case 'ruleGroup':
      return {
        ...resource.value,
        rules: (resource.value.rules ?? []).map((rule) => ({ ...rule, data: rule.data.map(preSavedQuery) })),
      };
    case 'route':
      return storedRoute(resource.value);
    case 'template':
      return storedTemplate(resource.name, resource.value);
  }
}

function preSavedQuery(query: alerting.Query): alerting.Query {
  const model: Record<string, unknown> = { ...(query.model as Record<string, unknown> | undefined) };
  for (const [key, value] of Object.entries(PRESAVE_MODEL_DEFAULTS)) {
    if (typeof model[key] !== 'number' || model[key] === 0) {
      model[key] = value;
    }
  }
  const queryType = typeof model.queryType === 'string' ? model.queryType : (query.queryType ?? '');
  // The SDK's Dataquery type carries a builder marker; a stored model is plain JSON.
  return { ...query, queryType, model: model as unknown as alerting.Query['model'] };
}

function storedRoute(route: alerting.NotificationPolicy): alerting.NotificationPolicy {
  const out: Record<string, unknown> = { ...route };
  for (const key of OMITEMPTY_ROUTE_FIELDS) {
    const value = out[key];
    const empty =
      value === undefined ||
      value === null ||
      value === false ||
      value === '' ||
      (Array.isArray(value) && value.length === 0);
    if (empty) {
      delete out[key];
    }
  }
  if (Array.isArray(out.routes)) {
    out.routes = (out.routes as alerting.NotificationPolicy[]).map(storedRoute);
  }
  return out as alerting.NotificationPolicy;
}

function storedTemplate(name: string, content: string): string {
  const trimmed = content.trim();
  if (hasDefine(trimmed)) {
    return trimmed;
  }
  const indented = trimmed
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
  return `{{ define "${name}" }}\n${indented}\n{{ end }}`;
}

/** Grafana's `\{\{\s*define` test, by scanning instead of a regular expression. */
function hasDefine(content: string): boolean {
  for (let at = content.indexOf('{{'); at >= 0; at = content.indexOf('{{', at + 2)) {
    if (
      content
        .slice(at + 2)
        .trimStart()
        .startsWith('define')
    ) {
      return true;
    }
  }
  return false;
}

/* ---------- comparing ---------- */

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

/** JSON with sorted keys: two answers of Grafana are the same resource state. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(stableJson).join(',')}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Whether Grafana's answer now is the one the plan was made from. */
export const unchangedSinceReview = (precondition: Precondition, current: unknown): boolean =>
  stableJson(precondition.held) === stableJson(current);

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

/* ---------- provenance ---------- */

/** A resource the plan writes, with the provenance Grafana holds for it. */
interface Written {
  what: string;
  provenance?: string;
}

/**
 * Grafana: API-PROVENANCE (docs/grafana-behaviour.md). Writes with `X-Disable-Provenance` have
 * provenance none; what Grafana refuses to move to none, checked before the first write:
 * - templates and the policy tree: any provenance but none (`ValidateProvenanceRelaxed`,
 *   grafana pkg/services/ngalert/provisioning/validation/provenance.go);
 * - contact points: any provenance but none (`UpdateContactPoint`, provisioning/contactpoints.go);
 * - rules of a replaced group: any but none, api and converted_prometheus
 *   (`CanUpdateProvenanceInRuleGroup`).
 */
const RULE_GROUP_MOVABLE_TO_NONE = new Set(['', 'api', 'converted_prometheus']);

function refusedByGrafana(written: Written, isRule: boolean): boolean {
  const provenance = written.provenance ?? '';
  return isRule ? !RULE_GROUP_MOVABLE_TO_NONE.has(provenance) : provenance !== '';
}

function provenanceBlockers(written: Written[]): string[] {
  const byProvenance = new Map<string, string[]>();
  for (const w of written) {
    const provenance = w.provenance ?? '';
    byProvenance.set(provenance, [...(byProvenance.get(provenance) ?? []), w.what]);
  }
  return [...byProvenance.entries()].map(([provenance, what]) => provenanceAdvice(provenance, what.join('; ')));
}

function provenanceAdvice(provenance: string, what: string): string {
  if (provenance === 'file') {
    // Grafana: FILE-REMOVAL (docs/grafana-behaviour.md): removing a file removes nothing.
    return `Provisioned from files (provenance "file", e.g. provisioning/alerting of docker compose): ${what}. Only those files can change them, and removing the files does not remove what they created. Keep managing them there, or, to install them here editable: in place of their definitions, put deleteRules (rule uids), deleteContactPoints (contact point uids), deleteTemplates (template names) or resetPolicies (the org id: the whole policy tree back to Grafana's default) in that provisioning file, restart Grafana, then remove the file and run the installer again.`;
  }
  if (provenance === 'api') {
    return `Managed through the provisioning API by another client (provenance "api", e.g. Terraform or a script): ${what}. Grafana refuses to make them editable in its UI from here. Keep managing them with that client, or delete them with it (the policy tree: DELETE /api/v1/provisioning/policies without X-Disable-Provenance resets it to Grafana's default), then run the installer again.`;
  }
  return `Managed elsewhere (provenance "${provenance}"): ${what}. Grafana refuses to change them from here: change or delete them where they are managed, then run the installer again.`;
}

/* ---------- the plan ---------- */

export function planInstall(state: GrafanaState, options: InstallOptions): Plan {
  const plan: Plan = { requests: [], unchanged: [], blockers: [], skipped: [] };
  plan.blockers.push(...dataSourceBlockers(state, options));
  planFolder(plan, state, options);
  const refused: Written[] = [];
  refused.push(...planTemplate(plan, state));
  const { receiversWithContact, refused: refusedContacts } = planContactPoints(plan, state, options);
  refused.push(...refusedContacts);
  refused.push(...planRuleGroups(plan, state, options));
  refused.push(...planPolicies(plan, state, receiversWithContact));
  plan.blockers.push(...provenanceBlockers(refused));
  return plan;
}

function dataSourceBlockers(state: GrafanaState, options: InstallOptions): string[] {
  if (!state.datasource) {
    return [
      `No data source with uid "${options.datasourceUid}": add an Agent Memory data source (Connections → Data sources) or pick another one.`,
    ];
  }
  if (state.datasource.type !== DATASOURCE_PLUGIN_ID) {
    return [
      `Data source "${state.datasource.name}" is of type ${state.datasource.type}; the rules need an Agent Memory data source (${DATASOURCE_PLUGIN_ID}).`,
    ];
  }
  return [];
}

// Folders have no provenance: the folder API writes them as any user would.
function planFolder(plan: Plan, state: GrafanaState, options: InstallOptions) {
  if (state.folder) {
    plan.unchanged.push(`folder "${state.folder.title}"`);
    return;
  }
  plan.requests.push({
    method: 'POST',
    url: '/api/folders',
    body: { uid: options.folderUid, title: options.folderTitle },
    summary: `folder "${options.folderTitle}"`,
    change: 'create',
  });
}

function planTemplate(plan: Plan, state: GrafanaState): Written[] {
  const template = apiTemplate();
  const label = `notification template "${TEMPLATE_NAME}"`;
  const held = state.templates.find((t) => t.name === TEMPLATE_NAME);
  if (held && held.template === asGrafanaStores({ kind: 'template', name: TEMPLATE_NAME, value: template.template! })) {
    plan.unchanged.push(label);
    return [];
  }
  plan.requests.push({
    method: 'PUT',
    url: `/api/v1/provisioning/templates/${TEMPLATE_NAME}`,
    body: { template: template.template, ...(held?.version ? { version: held.version } : {}) },
    summary: label,
    change: held ? 'update' : 'create',
  });
  const written = { what: label, provenance: held?.provenance };
  return held && refusedByGrafana(written, false) ? [written] : [];
}

/**
 * Contact points: one per integration whose secret was typed; existing ones keep their secret
 * unless a new one is typed (Grafana keeps a redacted secret that is not sent again).
 */
function planContactPoints(plan: Plan, state: GrafanaState, options: InstallOptions) {
  const wanted = apiContactPoints(options.secrets);
  const receiversWithContact = new Set<string>();
  const refused: Written[] = [];
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
        const written = { what: label, provenance: held.provenance };
        if (refusedByGrafana(written, false)) {
          refused.push(written);
        }
      } else {
        plan.unchanged.push(label);
      }
    }
  }
  return { receiversWithContact, refused };
}

/**
 * Rule groups. Grafana: API-RULEGROUP-REPLACE (docs/grafana-behaviour.md): a group PUT replaces the
 * group, deleting the rules not in it, so rules a user added to one of our groups are sent back as
 * Grafana answered them at Review, and the group is compared again before the write.
 */
function planRuleGroups(plan: Plan, state: GrafanaState, options: InstallOptions): Written[] {
  const groups = apiRuleGroups({ datasourceUid: options.datasourceUid, folderUid: options.folderUid });
  const ours = new Set(groups.flatMap((g) => (g.rules ?? []).map((r) => r.uid)));
  const refused: Written[] = [];
  for (const group of groups) {
    plan.blockers.push(...rulesHeldElsewhere(group, state, options));
    const held = state.groups[group.title!];
    const heldOurs = (held?.rules ?? []).filter((r) => ours.has(r.uid));
    const theirs = (held?.rules ?? []).filter((r) => !ours.has(r.uid));
    const label = `rule group "${group.title}" (${(group.rules ?? []).map((r) => r.title).join(', ')})`;
    if (
      held &&
      same(
        comparableGroup({ ...held, rules: heldOurs }),
        comparableGroup(asGrafanaStores({ kind: 'ruleGroup', value: group }))
      )
    ) {
      plan.unchanged.push(label);
      continue;
    }
    const url = `/api/v1/provisioning/folder/${encodeURIComponent(options.folderUid)}/rule-groups/${encodeURIComponent(group.title!)}`;
    plan.requests.push({
      method: 'PUT',
      url,
      body: { ...group, rules: [...(group.rules ?? []), ...theirs.map(asSentBack)] },
      summary: theirs.length > 0 ? `${label}; your ${theirs.length} other rule(s) in it kept` : label,
      change: held ? 'update' : 'create',
      precondition: { url, held, what: `rule group "${group.title}"` },
    });
    refused.push(...refusedRulesOf(group, held, state));
  }
  return refused;
}

/** The rules a group PUT rewrites or deletes (held in the group, or ours held anywhere) that Grafana would refuse. */
function refusedRulesOf(
  group: alerting.RuleGroup,
  held: alerting.RuleGroup | undefined,
  state: GrafanaState
): Written[] {
  const sent = new Set((group.rules ?? []).map((r) => r.uid));
  const touched = new Map<string | undefined, alerting.Rule>();
  for (const rule of [...(held?.rules ?? []), ...state.rules.filter((r) => sent.has(r.uid))]) {
    touched.set(rule.uid, rule);
  }
  return [...touched.values()]
    .map((r) => ({ what: `rule "${r.title ?? r.uid}" (${r.uid})`, provenance: r.provenance }))
    .filter((w) => refusedByGrafana(w, true));
}

/** A rule of ours whose uid Grafana holds in another folder or group: installing would move it. */
function rulesHeldElsewhere(group: alerting.RuleGroup, state: GrafanaState, options: InstallOptions): string[] {
  return (group.rules ?? []).flatMap((rule) => {
    const held = state.rules.find((r) => r.uid === rule.uid);
    return held && (held.folderUID !== options.folderUid || held.ruleGroup !== group.title)
      ? [
          `Rule uid "${rule.uid}" (${rule.title}) already exists in folder ${held.folderUID}, group "${held.ruleGroup}": delete or move that rule, or install into that folder.`,
        ]
      : [];
  });
}

/** A user's rule as sent back in a group PUT: as Grafana answered it, without what it owns. */
function asSentBack(rule: alerting.Rule): alerting.Rule {
  const { id: _id, updated: _updated, provenance: _provenance, ...rest } = rule;
  return rest;
}

/**
 * Routes: our subtree first among the root's routes; every other route is kept as it is.
 * Grafana: API-POLICY-PUT-REPLACE (docs/grafana-behaviour.md): the PUT replaces the whole tree with
 * no concurrency check, so the tree is compared again with the one read at Review before the write.
 */
function planPolicies(plan: Plan, state: GrafanaState, receiversWithContact: ReadonlySet<string>): Written[] {
  const subtree = apiPolicySubtree(receiversWithContact);
  const routes = state.policies.routes ?? [];
  const index = routes.findIndex(isOurSubtree);
  const label = 'notification policy subtree "product=agent-memory"';
  if (index >= 0 && same(routes[index], asGrafanaStores({ kind: 'route', value: subtree }))) {
    plan.unchanged.push(label);
    return [];
  }
  const nextRoutes = index >= 0 ? routes.map((r, i) => (i === index ? subtree : r)) : [subtree, ...routes];
  const url = '/api/v1/provisioning/policies';
  plan.requests.push({
    method: 'PUT',
    url,
    body: { ...state.policies, routes: nextRoutes },
    summary: `${label} (${index >= 0 ? 'replaced' : 'added first'}; your ${routes.length - (index >= 0 ? 1 : 0)} other route(s) kept)`,
    change: index >= 0 ? 'update' : 'create',
    precondition: { url, held: state.policies, what: 'notification policy tree' },
  });
  const written = { what: 'the notification policy tree', provenance: state.policies.provenance };
  return refusedByGrafana(written, false) ? [written] : [];
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
  if (status === 403 && message?.includes('provenance')) {
    // Grafana: API-PROVENANCE (docs/grafana-behaviour.md): a refused provenance change is a 403 too.
    return `${what}: Grafana refused to change who manages it (${message}). Click "Review changes" again: the review says what manages it and what to do.`;
  }
  if (status === 401 || status === 403) {
    return `${what}: Grafana refused (${status}${message ? `: ${message}` : ''}). Installing needs the alerting provisioning permissions (alert.provisioning:write, or the Admin/Editor role): ask an admin to run the installer or grant them.`;
  }
  if (status === 409) {
    return `${what}: conflict (${message ?? 'a resource with this uid or name exists'}). Rename or delete the existing one in Grafana, then run the installer again.`;
  }
  return `${what}: Grafana answered ${status}${message ? `: ${message}` : ''}.`;
}

/** A precondition that no longer holds: nothing of that resource was written. */
export function explainChangedSinceReview(precondition: Precondition, appliedBefore: number): string {
  const applied =
    appliedBefore > 0 ? ` The ${appliedBefore} change(s) before it were applied.` : ' Nothing was written.';
  return `The ${precondition.what} changed in Grafana since Review (someone or something edited it). Applying would replace it whole and lose that change, so it was not written.${applied} Click "Review changes" again, then Apply.`;
}
