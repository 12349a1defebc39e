import { formatDuration, scaled } from './durations';
import { ALERT_RULES, GROUP_INTERVAL_SECONDS, ruleValueExpr, type AlertRuleSpec } from './rules';
import { ruleLabels } from './grafana';
import { INHIBITION, POLICY, RECEIVERS, ROUTES, type ReceiverSpec } from './routing';
import { annotations, DEFAULT_RUNBOOK_BASE, TEMPLATE_NAME } from './texts';

/**
 * The same rules and routes for teams that alert in Prometheus: a rule file and an Alertmanager
 * configuration. Rules reading AI events in Elasticsearch (logs_count) have no Prometheus series
 * and stay Grafana-managed only.
 */
export interface PrometheusOptions {
  timeScale?: number;
  runbookBase?: string;
}

export const prometheusRules = (): AlertRuleSpec[] => ALERT_RULES.filter((r) => r.source.kind === 'metrics');

/** The alerting expression: the rule's value compared with its threshold. */
export function alertExpr(rule: AlertRuleSpec, timeScale = 1): string {
  return `${ruleValueExpr(rule, timeScale)} ${rule.comparison === 'gt' ? '>' : '<'} ${rule.threshold}`;
}

export function prometheusRuleFile(options: PrometheusOptions = {}) {
  const timeScale = options.timeScale ?? 1;
  const rules = prometheusRules();
  const groups = [...new Set(rules.map((r) => r.group))];
  return {
    groups: groups.map((group) => ({
      name: `agent-memory-${group}`,
      interval: formatDuration(scaled(GROUP_INTERVAL_SECONDS[group], timeScale)),
      rules: rules
        .filter((r) => r.group === group)
        .map((rule) => ({
          alert: rule.name,
          expr: alertExpr(rule, timeScale),
          for: formatDuration(scaled(rule.forSeconds, timeScale, 0)),
          labels: ruleLabels(rule),
          annotations: annotations(rule, 'prometheus', options.runbookBase ?? DEFAULT_RUNBOOK_BASE),
        })),
    })),
  };
}

/** Where Alertmanager reads each secret from (files keep them out of its configuration). */
export const SECRET_FILES = {
  slack: '/etc/alertmanager/secrets/slack-webhook-url',
  pagerduty: '/etc/alertmanager/secrets/pagerduty-routing-key',
};

/** The webhook receiver is for local use: a URL on the host, not a secret (Alertmanager 0.25 has no url_file). */
export const LOCAL_WEBHOOK_URL = 'http://127.0.0.1:5001/';

export interface AlertmanagerOptions {
  timeScale?: number;
  /** Every receiver posts to this URL instead of Slack/PagerDuty (local stack and tests). */
  localWebhookUrl?: string;
  templateFiles?: string[];
}

function receiverConfig(receiver: ReceiverSpec, options: AlertmanagerOptions) {
  if (options.localWebhookUrl) {
    return { name: receiver.name, webhook_configs: [{ url: options.localWebhookUrl, send_resolved: true }] };
  }
  const out: Record<string, unknown> = { name: receiver.name };
  for (const integration of receiver.integrations) {
    if (integration.type === 'slack') {
      ((out.slack_configs as unknown[]) ??= []).push({
        api_url_file: SECRET_FILES.slack,
        channel: integration.channel,
        send_resolved: true,
        title: `{{ template "${TEMPLATE_NAME}.title" . }}`,
        text: `{{ template "${TEMPLATE_NAME}.text" . }}`,
      });
    } else if (integration.type === 'pagerduty') {
      ((out.pagerduty_configs as unknown[]) ??= []).push({
        routing_key_file: SECRET_FILES.pagerduty,
        severity: 'critical',
        description: `{{ template "${TEMPLATE_NAME}.title" . }}`,
      });
    } else {
      ((out.webhook_configs as unknown[]) ??= []).push({ url: LOCAL_WEBHOOK_URL, send_resolved: true });
    }
  }
  return out;
}

export function alertmanagerConfig(options: AlertmanagerOptions = {}) {
  const timeScale = options.timeScale ?? 1;
  const duration = (seconds: number) => formatDuration(scaled(seconds, timeScale));
  return {
    route: {
      receiver: POLICY.receiver,
      group_by: POLICY.groupBy,
      group_wait: duration(POLICY.groupWaitSeconds),
      group_interval: duration(POLICY.groupIntervalSeconds),
      repeat_interval: duration(POLICY.repeatIntervalSeconds),
      routes: ROUTES.map((route) => ({
        receiver: route.receiver,
        matchers: Object.entries(route.match).map(([label, value]) => `${label}="${value}"`),
        continue: route.continue,
      })),
    },
    inhibit_rules: [
      {
        source_matchers: Object.entries(INHIBITION.source).map(([l, v]) => `${l}="${v}"`),
        target_matchers: Object.entries(INHIBITION.target).map(([l, v]) => `${l}="${v}"`),
        equal: INHIBITION.equal,
      },
    ],
    receivers: RECEIVERS.map((receiver) => receiverConfig(receiver, options)),
    templates: options.templateFiles ?? ['/etc/alertmanager/templates/agent-memory.tmpl'],
  };
}
