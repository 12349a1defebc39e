import type { AlertRuleSpec, ValueFormat } from './rules';

/**
 * Rule texts for each engine. The rules' texts use `{{ VALUE }}`; Prometheus calls the value
 * `$value`, Grafana `$values.<refId>.Value` (the reduced value, B). Both have Prometheus'
 * humanize functions (Grafana's template expander is Prometheus' `template.NewTemplateExpander`).
 */
export type Engine = 'prometheus' | 'grafana';

const VALUE_REF: Record<Engine, string> = { prometheus: '$value', grafana: '.Value' };

function formatted(format: ValueFormat, value: string): string {
  switch (format) {
    case 'percent':
      return `{{ ${value} | humanizePercentage }}`;
    case 'seconds':
      return `{{ ${value} | humanizeDuration }}`;
    case 'bytes':
      return `{{ ${value} | humanize1024 }}B`;
    case 'factor':
      return `{{ printf "%.1f" ${value} }}×`;
    case 'ratio':
    case 'count':
      return `{{ ${value} | humanize }}`;
  }
}

const VALUE_PLACEHOLDER = /\{\{ VALUE \}\}/g;

/**
 * A text for one engine. Prometheus always has `$value`. Grafana expands the annotations of its
 * DatasourceNoData and DatasourceError alerts without the series' labels and with no `$values.B`,
 * or with B's value NaN ("A RefID might be missing a value if there was no data or an error. If
 * that is the case, use NaN", grafana pkg/services/ngalert/state/template/template.go). A humanize
 * function on the missing value fails, and Grafana then keeps the raw template as the text. So a
 * Grafana text is the rule's text only where B has a number (`eq .Value .Value` is false for NaN),
 * and otherwise a text that says there was no value.
 * Grafana: ALERT-NODATA-TEMPLATES (docs/grafana-behaviour.md)
 */
export function ruleText(text: string, rule: AlertRuleSpec, engine: Engine, noValue = noValueSummary(rule)): string {
  const withValue = text.replace(VALUE_PLACEHOLDER, formatted(rule.valueFormat, VALUE_REF[engine]));
  if (engine === 'prometheus') {
    return withValue;
  }
  return `{{ with $values.B }}{{ if eq .Value .Value }}${withValue}{{ else }}${noValue}{{ end }}{{ else }}${noValue}{{ end }}`;
}

/** The Grafana texts of a rule's alert when its query returned no data or failed. */
export const noValueSummary = (rule: AlertRuleSpec) =>
  `${rule.name} has no value: its query returned no data or failed`;
export const noValueDescription = (rule: AlertRuleSpec) =>
  `Grafana could not evaluate ${rule.name}: the data source query returned no series (NoData) or an error (Error), so whether the condition holds is unknown. Check the data source and the exporter first.`;

/**
 * Where runbooks are linked from: by default the copy of docs/runbooks.md that ships inside the
 * app plugin, which Grafana serves to its signed-in users; generate with another base for a wiki.
 */
export const DEFAULT_RUNBOOK_BASE = '/public/plugins/memstack-agentmemory-app/docs/runbooks.md';

export function annotations(rule: AlertRuleSpec, engine: Engine, runbookBase = DEFAULT_RUNBOOK_BASE) {
  return {
    summary: ruleText(rule.summary, rule, engine, noValueSummary(rule)),
    description: ruleText(rule.description, rule, engine, noValueDescription(rule)),
    runbook_url: `${runbookBase}#${rule.runbook}`,
  };
}

/**
 * Notification texts, shared by Grafana's notification template and Alertmanager's template
 * file (the same Go template language and data: .Status, .Alerts, .GroupLabels, .CommonLabels).
 */
export const TEMPLATE_NAME = 'agentmemory';
export const NOTIFICATION_TEMPLATE = `{{ define "agentmemory.title" -}}
[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .GroupLabels.alertname }}{{ if .CommonLabels.severity }} ({{ .CommonLabels.severity }}{{ if .CommonLabels.team }}, {{ .CommonLabels.team }}{{ end }}){{ end }}
{{- end }}

{{ define "agentmemory.text" -}}
{{ range .Alerts -}}
{{ if eq .Status "firing" }}FIRING{{ else }}RESOLVED{{ end }}: {{ .Annotations.summary }}
{{ .Annotations.description }}
Runbook: {{ .Annotations.runbook_url }}
{{ end -}}
{{- end }}
`;
