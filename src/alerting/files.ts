import { stringify } from 'yaml';
import { fileNotifications, filePolicies, fileRuleGroups, PROVISIONED_DATASOURCE_UID } from './grafana';
import { alertmanagerConfig, prometheusRuleFile } from './prometheus';
import { NOTIFICATION_TEMPLATE } from './texts';

/**
 * Every generated alerting file, by path relative to the repository root. Written by
 * `npm run generate:alerting`; a unit test fails while a committed file differs.
 */
const HEADER = '# Generated from src/alerting by `npm run generate:alerting`: edit the TypeScript, not this file.\n';

/** YAML as the generated files write it: long lines kept whole, repeated objects written out. */
export const toYaml = (value: unknown) => stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
const yaml = (value: unknown, header = HEADER) => header + toYaml(value);

/** Grafana: FILE-POLICIES-REPLACE (docs/grafana-behaviour.md) */
const POLICIES_HEADER =
  HEADER +
  `# THIS FILE REPLACES THE ORGANISATION'S WHOLE NOTIFICATION POLICY TREE. Grafana applies a
# \`policies\` entry at every start: any route added in the UI or by the API is gone after a
# restart, and the tree is locked in the UI (provenance "file"). Mount it only into a Grafana that
# only this app alerts from (docker-compose.yml does, for the demo stack). The rules and contact
# points in provisioning/alerting/ work without it: elsewhere, route \`product=agent-memory\` to the
# agent-memory-* contact points in your own tree, or use the app's installer, which adds a subtree.
`;

export const ALERTING_FILES = {
  grafanaRules: 'provisioning/alerting/agent-memory-rules.yaml',
  grafanaNotifications: 'provisioning/alerting/agent-memory-notifications.yaml',
  /** Not under provisioning/alerting/: docker-compose.yml mounts it into Grafana on its own. */
  grafanaPolicies: 'provisioning/policies/agent-memory-notification-policies.yaml',
  prometheusRules: 'provisioning/prometheus/agent-memory.rules.yml',
  alertmanager: 'provisioning/alertmanager/alertmanager.yml',
  template: 'provisioning/alertmanager/agent-memory.tmpl',
} as const;

export function renderAlertingFiles(): Record<string, string> {
  return {
    [ALERTING_FILES.grafanaRules]: yaml(fileRuleGroups({ datasourceUid: PROVISIONED_DATASOURCE_UID })),
    [ALERTING_FILES.grafanaNotifications]: yaml(fileNotifications()),
    [ALERTING_FILES.grafanaPolicies]: yaml(filePolicies(), POLICIES_HEADER),
    [ALERTING_FILES.prometheusRules]: yaml(prometheusRuleFile()),
    [ALERTING_FILES.alertmanager]: yaml(alertmanagerConfig()),
    [ALERTING_FILES.template]: NOTIFICATION_TEMPLATE,
  };
}
