import type { AlertRuleSpec, ValueFormat } from './rules';

/**
 * Rule texts for each engine. The rules' texts use `{{ VALUE }}`; Prometheus calls the value
 * `$value`, Grafana `$values.<refId>.Value` (the reduced value, B). Both have Prometheus'
 * humanize functions.
 */
export type Engine = 'prometheus' | 'grafana';

const VALUE_REF: Record<Engine, string> = { prometheus: '$value', grafana: '$values.B.Value' };

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

export function ruleText(text: string, rule: AlertRuleSpec, engine: Engine): string {
  return text.replace(/\{\{ VALUE \}\}/g, formatted(rule.valueFormat, VALUE_REF[engine]));
}

/**
 * Where runbooks are linked from: by default the copy of docs/runbooks.md that ships inside the
 * app plugin, which Grafana serves to its signed-in users; generate with another base for a wiki.
 */
export const DEFAULT_RUNBOOK_BASE = '/public/plugins/memstack-agentmemory-app/docs/runbooks.md';

export function annotations(rule: AlertRuleSpec, engine: Engine, runbookBase = DEFAULT_RUNBOOK_BASE) {
  return {
    summary: ruleText(rule.summary, rule, engine),
    description: ruleText(rule.description, rule, engine),
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
