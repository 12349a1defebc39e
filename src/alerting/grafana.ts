import * as alerting from '@grafana/grafana-foundation-sdk/alerting';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as expr from '@grafana/grafana-foundation-sdk/expr';
import { DATASOURCE_PLUGIN_ID } from '../constants';
import { formatDuration, scaled } from './durations';
import {
  ALERT_RULES,
  EXEC_ERR_STATE,
  FOLDER_TITLE,
  FOLDER_UID,
  GROUP_INTERVAL_SECONDS,
  PRODUCT_LABEL,
  ruleQuery,
  ruleWindows,
  type AlertRuleSpec,
  type RuleGroupName,
} from './rules';
import {
  PAGERDUTY_URL_ENV,
  POLICY,
  RECEIVERS,
  ROUTES,
  SECRET_ENV,
  SUBTREE_MATCHER,
  type ReceiverSpec,
} from './routing';
import { annotations, DEFAULT_RUNBOOK_BASE, NOTIFICATION_TEMPLATE, TEMPLATE_NAME } from './texts';

/**
 * Grafana-managed rules, contact points and routes in the shapes of Grafana's alerting
 * provisioning HTTP API (built with the foundation SDK's alerting builders), and the same
 * content in the file-provisioning format, whose field names differ.
 */
export interface GrafanaAlertingOptions {
  /** uid of our data source the rules query (as provisioned: "agentmemory"). */
  datasourceUid: string;
  folderUid?: string;
  orgId?: number;
  /** Divides every duration (end-to-end tests); 1 for real use. */
  timeScale?: number;
  runbookBase?: string;
}

export const PROVISIONED_DATASOURCE_UID = 'agentmemory';
export const EXPRESSION_DATASOURCE_UID = '__expr__';
const EXPRESSION_DATASOURCE = { type: '__expr__', uid: EXPRESSION_DATASOURCE_UID };
/** How far back the data source query reaches (seconds): the rate window plus room for scrapes. */
const QUERY_RANGE_FLOOR_SECONDS = 600;

/** A data source query model as a foundation SDK builder, for QueryBuilder.model(). */
class ModelBuilder implements cog.Builder<cog.Dataquery> {
  constructor(private readonly model: Record<string, unknown>) {}
  build(): cog.Dataquery {
    return { ...this.model, _implementsDataqueryVariant() {} } as cog.Dataquery;
  }
}

/** A server-side expression as a rule query: no time range of its own, Grafana's expression data source. */
function expressionQuery(refId: string, model: expr.TypeReduceBuilder | expr.TypeThresholdBuilder) {
  return new alerting.QueryBuilder(refId)
    .datasourceUid(EXPRESSION_DATASOURCE_UID)
    .relativeTimeRange({ from: 0, to: 0 })
    .model(model.refId(refId).datasource(EXPRESSION_DATASOURCE));
}

export function ruleLabels(rule: AlertRuleSpec): Record<string, string> {
  return { severity: rule.severity, team: rule.team, [PRODUCT_LABEL.name]: PRODUCT_LABEL.value };
}

function grafanaRule(rule: AlertRuleSpec, options: Required<GrafanaAlertingOptions>): alerting.Rule {
  const window = ruleWindows(rule, options.timeScale).seconds;
  const model = {
    refId: 'A',
    datasource: { type: DATASOURCE_PLUGIN_ID, uid: options.datasourceUid },
    ...ruleQuery(rule, options.timeScale),
  };
  const rangeSeconds = rule.source.kind === 'logs_count' ? window : Math.max(QUERY_RANGE_FLOOR_SECONDS, window);
  const source = new alerting.QueryBuilder('A')
    .datasourceUid(options.datasourceUid)
    .relativeTimeRange({ from: rangeSeconds, to: 0 })
    .model(new ModelBuilder(model));
  // Counts over the window are summed; a value per series (instant PromQL) is taken as it is.
  const reduce = expressionQuery(
    'B',
    new expr.TypeReduceBuilder()
      .expression('A')
      .reducer(rule.source.kind === 'logs_count' ? 'sum' : 'last')
      .settings({ mode: 'dropNN' })
  );
  const threshold = expressionQuery(
    'C',
    new expr.TypeThresholdBuilder()
      .expression('B')
      .conditions([{ evaluator: { type: rule.comparison, params: [rule.threshold] } }])
  );
  return new alerting.RuleBuilder(rule.name)
    .uid(rule.uid)
    .orgID(options.orgId)
    .folderUID(options.folderUid)
    .ruleGroup(rule.group)
    .queries([source, reduce, threshold])
    .condition('C')
    .forDuration(formatDuration(scaled(rule.forSeconds, options.timeScale, 0)))
    .noDataState(rule.noDataState)
    .execErrState(EXEC_ERR_STATE)
    .labels(ruleLabels(rule))
    .annotations(annotations(rule, 'grafana', options.runbookBase))
    .isPaused(false)
    .build();
}

function withDefaults(options: GrafanaAlertingOptions): Required<GrafanaAlertingOptions> {
  return {
    folderUid: FOLDER_UID,
    orgId: 1,
    timeScale: 1,
    runbookBase: DEFAULT_RUNBOOK_BASE,
    ...options,
  };
}

export const RULE_GROUPS = [...new Set(ALERT_RULES.map((r) => r.group))] as RuleGroupName[];

/** Rule groups as `PUT /api/v1/provisioning/folder/:folderUid/rule-groups/:group` takes them. */
export function apiRuleGroups(options: GrafanaAlertingOptions): alerting.RuleGroup[] {
  const full = withDefaults(options);
  return RULE_GROUPS.map((group) => {
    const builder = new alerting.RuleGroupBuilder(group)
      .folderUid(full.folderUid)
      .interval(scaled(GROUP_INTERVAL_SECONDS[group], full.timeScale, 1));
    const rules = ALERT_RULES.filter((r) => r.group === group).map((r) => grafanaRule(r, full));
    return { ...builder.build(), rules };
  });
}

/** Secrets the installer's user typed; an integration without its secret is left out. */
export interface ContactSecrets {
  slackWebhookUrl?: string;
  pagerdutyRoutingKey?: string;
  webhookUrl?: string;
}

export const contactPointName = (receiver: string) => `agent-memory-${receiver}`;
export const contactPointUid = (receiver: string, index: number) => `agentmemory-${receiver}-${index}`;

const TITLE = `{{ template "${TEMPLATE_NAME}.title" . }}`;
const TEXT = `{{ template "${TEMPLATE_NAME}.text" . }}`;

/** Settings of one integration; `secret` is the value or the `$ENV` reference of the file. */
function integrationSettings(
  integration: ReceiverSpec['integrations'][number],
  secret: string
): Record<string, unknown> {
  switch (integration.type) {
    case 'slack':
      return { url: secret, recipient: integration.channel, title: TITLE, text: TEXT };
    case 'pagerduty':
      return { integrationKey: secret, severity: 'critical', summary: TITLE, class: 'agent-memory' };
    case 'webhook':
      return { url: secret, httpMethod: 'POST', title: TITLE, message: TEXT };
  }
}

/** Which typed secret each integration type needs. */
export const SECRET_OF = {
  slack: 'slackWebhookUrl',
  pagerduty: 'pagerdutyRoutingKey',
  webhook: 'webhookUrl',
} as const satisfies Record<string, keyof ContactSecrets & keyof typeof SECRET_ENV>;

/** Contact points as `POST/PUT /api/v1/provisioning/contact-points` take them, one per integration. */
export function apiContactPoints(secrets: ContactSecrets): alerting.ContactPoint[] {
  return RECEIVERS.flatMap((receiver) =>
    receiver.integrations.flatMap((integration, index) => {
      const secret = secrets[SECRET_OF[integration.type]];
      if (!secret) {
        return [];
      }
      return [
        new alerting.ContactPointBuilder()
          .uid(contactPointUid(receiver.name, index))
          .name(contactPointName(receiver.name))
          .type(integration.type)
          .settings(integrationSettings(integration, secret))
          .disableResolveMessage(false)
          .build(),
      ];
    })
  );
}

/** The app's routes as one subtree under the product matcher, to add to the user's own tree. */
export function apiPolicySubtree(receiverNames: ReadonlySet<string>, timeScale = 1): alerting.NotificationPolicy {
  const name = (receiver: string) => (receiverNames.has(receiver) ? contactPointName(receiver) : undefined);
  const routes = ROUTES.filter((route) => name(route.receiver)).map((route) =>
    new alerting.NotificationPolicyBuilder()
      .receiver(name(route.receiver)!)
      .objectMatchers(Object.entries(route.match).map(([label, value]) => [label, '=', value]))
      .continueVal(route.continue)
  );
  const subtree = new alerting.NotificationPolicyBuilder()
    .objectMatchers([[SUBTREE_MATCHER.name, '=', SUBTREE_MATCHER.value]])
    .groupBy(POLICY.groupBy)
    .groupWait(formatDuration(scaled(POLICY.groupWaitSeconds, timeScale)))
    .groupInterval(formatDuration(scaled(POLICY.groupIntervalSeconds, timeScale)))
    .repeatInterval(formatDuration(scaled(POLICY.repeatIntervalSeconds, timeScale)))
    .routes(routes);
  const defaultReceiver = name(POLICY.receiver);
  if (defaultReceiver) {
    subtree.receiver(defaultReceiver);
  }
  return subtree.build();
}

export function apiTemplate(): alerting.NotificationTemplate {
  return new alerting.NotificationTemplateBuilder().name(TEMPLATE_NAME).template(NOTIFICATION_TEMPLATE).build();
}

/* ---------- file provisioning (apiVersion 1) ---------- */

/** A rule in the file format: `for`, `noDataState`… as the API, but no folderUID/ruleGroup/orgID. */
function fileRule(rule: alerting.Rule) {
  return {
    uid: rule.uid,
    title: rule.title,
    condition: rule.condition,
    data: rule.data.map((q) => ({
      refId: q.refId,
      relativeTimeRange: q.relativeTimeRange,
      datasourceUid: q.datasourceUid,
      model: stripBuilderMarks(q.model),
    })),
    noDataState: rule.noDataState,
    execErrState: rule.execErrState,
    for: rule.for,
    annotations: rule.annotations,
    labels: rule.labels,
    isPaused: rule.isPaused ?? false,
  };
}

function stripBuilderMarks(model: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(model ?? {}));
}

export function fileRuleGroups(options: GrafanaAlertingOptions) {
  const full = withDefaults(options);
  return {
    apiVersion: 1,
    groups: apiRuleGroups(full).map((group) => ({
      orgId: full.orgId,
      name: group.title,
      folder: FOLDER_TITLE,
      interval: formatDuration(group.interval ?? 60),
      rules: (group.rules ?? []).map(fileRule),
    })),
  };
}

/**
 * An integration's settings in the file: secrets as `$VAR`, which Grafana expands from its
 * environment with os.ExpandEnv (no `${VAR:-default}`). PagerDuty's `url` too: unset, Grafana
 * posts to PagerDuty's Events API; the compose stack sets a discard address.
 * Grafana: FILE-ENV-EXPANSION, PAGERDUTY-DEFAULT-URL (docs/grafana-behaviour.md)
 */
function fileIntegrationSettings(integration: ReceiverSpec['integrations'][number]) {
  const settings = integrationSettings(integration, `$${SECRET_ENV[SECRET_OF[integration.type]]}`);
  return integration.type === 'pagerduty' ? { ...settings, url: `$${PAGERDUTY_URL_ENV}` } : settings;
}

/**
 * Contact points and the notification template, without a policy tree: usable on their own (a
 * policy of the user's own can route to them) and provisioned next to the rules.
 */
export function fileNotifications(orgId = 1) {
  const contactPoints = RECEIVERS.map((receiver) => ({
    orgId,
    name: contactPointName(receiver.name),
    receivers: receiver.integrations.map((integration, index) => ({
      uid: contactPointUid(receiver.name, index),
      type: integration.type,
      settings: fileIntegrationSettings(integration),
      disableResolveMessage: false,
    })),
  }));
  return {
    apiVersion: 1,
    templates: [{ orgId, name: TEMPLATE_NAME, template: NOTIFICATION_TEMPLATE }],
    contactPoints,
  };
}

/**
 * The organisation's whole notification policy tree, made of the app's routes. A `policies` entry
 * replaces the tree at every start of Grafana and locks it in the UI, so it is a file of its own,
 * for a Grafana that only this app alerts from. Grafana: FILE-POLICIES-REPLACE (docs/grafana-behaviour.md)
 */
export function filePolicies(orgId = 1) {
  const all = new Set(RECEIVERS.map((r) => r.name));
  const { object_matchers: _matcher, ...root } = apiPolicySubtree(all);
  return { apiVersion: 1, policies: [{ orgId, ...root }] };
}
