import { PRODUCT_LABEL, type AlertSeverity, type Team } from './rules';

/**
 * Who hears about which alert, as the guide routes it: critical alerts to the on-call channel and
 * PagerDuty and then on to their team, team alerts to the team's channel, the rest to the default
 * receiver. Defined once; written for Grafana (contact points and a notification policy tree) and
 * for Alertmanager.
 */
export type ReceiverName = 'default' | 'critical' | 'ai-team' | 'infra-team' | 'webhook';

/** Secrets come from the environment (Grafana provisioning) or from files (Alertmanager). */
export const SECRET_ENV = {
  slackWebhookUrl: 'SLACK_WEBHOOK_URL',
  pagerdutyRoutingKey: 'PAGERDUTY_ROUTING_KEY',
  webhookUrl: 'AGENTMEMORY_WEBHOOK_URL',
} as const;

/**
 * Where Grafana's PagerDuty integration posts, from the environment. Empty (unset) is PagerDuty's
 * Events API; the compose stack sets a discard address unless told otherwise, so that a stack
 * without a routing key never posts to PagerDuty.
 * Grafana: PAGERDUTY-DEFAULT-URL, FILE-ENV-EXPANSION (docs/grafana-behaviour.md)
 */
export const PAGERDUTY_URL_ENV = 'PAGERDUTY_URL';

export type Integration = { type: 'slack'; channel: string } | { type: 'pagerduty' } | { type: 'webhook' };

export interface ReceiverSpec {
  name: ReceiverName;
  purpose: string;
  integrations: Integration[];
}

export const RECEIVERS: readonly ReceiverSpec[] = [
  {
    name: 'default',
    purpose: 'everything no team route takes',
    integrations: [{ type: 'slack', channel: '#ai-memory-alerts' }],
  },
  {
    name: 'critical',
    purpose: 'critical alerts: on-call channel and PagerDuty, then their team too',
    integrations: [{ type: 'slack', channel: '#ai-memory-critical' }, { type: 'pagerduty' }],
  },
  {
    name: 'ai-team',
    purpose: 'memory behaviour: latency, errors, cache, agents',
    integrations: [{ type: 'slack', channel: '#ai-team' }],
  },
  {
    name: 'infra-team',
    purpose: 'breakers, degradation, database, hosts',
    integrations: [{ type: 'slack', channel: '#infra-team' }],
  },
  {
    name: 'webhook',
    purpose: 'local use: any HTTP endpoint (tests, chat bridges)',
    integrations: [{ type: 'webhook' }],
  },
];

export interface RouteSpec {
  receiver: ReceiverName;
  match: { severity?: AlertSeverity; team?: Team };
  continue: boolean;
}

/** Critical first, with `continue` so that the team hears about it too; then the team routes. */
export const ROUTES: readonly RouteSpec[] = [
  { receiver: 'critical', match: { severity: 'critical' }, continue: true },
  { receiver: 'ai-team', match: { team: 'ai-team' }, continue: false },
  { receiver: 'infra-team', match: { team: 'infra-team' }, continue: false },
];

export const POLICY = {
  receiver: 'default' as ReceiverName,
  groupBy: ['alertname', 'job', 'service_name'],
  groupWaitSeconds: 30,
  groupIntervalSeconds: 300,
  repeatIntervalSeconds: 4 * 3600,
};

/** A critical alert silences the warnings of the same job and instance while it fires (Alertmanager). */
export const INHIBITION = {
  source: { severity: 'critical' },
  target: { severity: 'warning' },
  equal: ['job', 'instance'],
};

/**
 * The guide's Alertmanager route and inhibition (section 5, "Alertmanager Configuration"), quoted,
 * and why ours differ. A unit test checks the quotes against the guide and that POLICY and
 * INHIBITION differ from them only where a reason is given.
 */
export const GUIDE_ROUTING = {
  groupBy: {
    guide: "group_by: ['alertname', 'cluster', 'service']",
    why: 'no series of ours has a cluster or service label, so the guide groups by alertname alone; job and service_name (the breaker or degraded service) are the labels ours carry',
  },
  groupWait: {
    guide: 'group_wait: 10s',
    why: "Alertmanager's default of 30 s lets the alerts of one incident, which fire within seconds of each other (a breaker, then the degradation it causes), arrive in one notification",
  },
  groupInterval: {
    guide: 'group_interval: 10s',
    why: "10 s sends a new message for every alert that joins or leaves a group during an incident; Alertmanager's default of 5 minutes batches them",
  },
  repeatInterval: {
    guide: 'repeat_interval: 12h',
    why: 'a critical alert nobody acted on is sent again within the same shift (4 h), not the next day',
  },
  inhibitEqual: {
    guide: "equal: ['alertname', 'service']",
    why: "each of our rules has one severity, so a critical and a warning alert never share an alertname and the guide's inhibition never applies; a critical alert now silences the warnings of the same job and instance",
  },
} as const;

/** The matcher of the app's notification subtree in Grafana: every rule carries this label. */
export const SUBTREE_MATCHER = PRODUCT_LABEL;
