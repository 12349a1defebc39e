import { stringify } from 'yaml';
import { fileNotifications, fileRuleGroups, PROVISIONED_DATASOURCE_UID } from './grafana';
import { alertmanagerConfig, prometheusRuleFile } from './prometheus';
import { NOTIFICATION_TEMPLATE } from './texts';

/**
 * Every generated alerting file, by path relative to the repository root. Written by
 * `npm run generate:alerting`; a unit test fails while a committed file differs.
 */
const HEADER = '# Generated from src/alerting by `npm run generate:alerting`: edit the TypeScript, not this file.\n';

/** YAML as the generated files write it: long lines kept whole, repeated objects written out. */
export const toYaml = (value: unknown) => stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
const yaml = (value: unknown) => HEADER + toYaml(value);

export const ALERTING_FILES = {
  grafanaRules: 'provisioning/alerting/agent-memory-rules.yaml',
  grafanaNotifications: 'provisioning/alerting/agent-memory-notifications.yaml',
  prometheusRules: 'provisioning/prometheus/agent-memory.rules.yml',
  alertmanager: 'provisioning/alertmanager/alertmanager.yml',
  template: 'provisioning/alertmanager/agent-memory.tmpl',
} as const;

export function renderAlertingFiles(): Record<string, string> {
  return {
    [ALERTING_FILES.grafanaRules]: yaml(fileRuleGroups({ datasourceUid: PROVISIONED_DATASOURCE_UID })),
    [ALERTING_FILES.grafanaNotifications]: yaml(fileNotifications()),
    [ALERTING_FILES.prometheusRules]: yaml(prometheusRuleFile()),
    [ALERTING_FILES.alertmanager]: yaml(alertmanagerConfig()),
    [ALERTING_FILES.template]: NOTIFICATION_TEMPLATE,
  };
}
