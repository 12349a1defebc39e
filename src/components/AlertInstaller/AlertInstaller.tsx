import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, Combobox, Field, FieldSet, Input, Stack, Text, useStyles2 } from '@grafana/ui';
import type { Plan } from '../../alerting/installer';
import { ALERT_RULES } from '../../alerting/rules';
import type { ContactSecrets } from '../../alerting/grafana';
import { testIds } from '../testIds';
import { useInstaller } from './useInstaller';

const SECRET_FIELDS: Array<{ key: keyof ContactSecrets; label: string; description: string }> = [
  {
    key: 'slackWebhookUrl',
    label: 'Slack webhook URL',
    description:
      'For the default, critical, ai-team and infra-team contact points; left empty, existing ones keep theirs',
  },
  { key: 'pagerdutyRoutingKey', label: 'PagerDuty routing key', description: 'For the critical contact point' },
  { key: 'webhookUrl', label: 'Webhook URL', description: 'Optional: a webhook contact point for local use' },
];

/**
 * "Alert rules" on the app's configuration page: shows what the app would create or change in
 * Grafana (rules, contact points, template, notification routes), then applies it through the
 * alerting provisioning API so that everything stays editable in Grafana's alerting UI.
 */
export function AlertInstaller() {
  const s = useStyles2(getStyles);
  const installer = useInstaller();

  const noDataSource = installer.dataSources !== undefined && installer.dataSources.length === 0;
  return (
    <div data-testid={testIds.alertInstaller.container}>
      <FieldSet label="Alert rules">
        <Text element="p" color="secondary">
          {ALERT_RULES.length} rules (memory latency and errors, cache, breakers, degradation, agents, consolidation,
          PostgreSQL connections, host memory, critical AI errors), contact points for the default, critical, ai-team
          and infra-team receivers, and their routes as one subtree under <code>product=agent-memory</code>: your own
          notification policies are kept.
        </Text>
        {noDataSource && (
          <Alert title="No Agent Memory data source" severity="warning">
            The rules query an Agent Memory data source: add one in Connections → Data sources, then come back.
          </Alert>
        )}
        <Field label="Data source" description="The Agent Memory data source the rules query">
          <div data-testid={testIds.alertInstaller.datasource}>
            <Combobox<string>
              id="alert-installer-datasource"
              options={(installer.dataSources ?? []).map((ds) => ({ label: ds.name, value: ds.uid }))}
              value={installer.datasourceUid || null}
              onChange={(v) => {
                installer.setDatasourceUid(v?.value ?? '');
                installer.setPlan(undefined);
              }}
              width={40}
            />
          </div>
        </Field>
        <Stack direction="row" gap={2}>
          <Field label="Folder" description="Created if it does not exist">
            <Input
              data-testid={testIds.alertInstaller.folderTitle}
              value={installer.folderTitle}
              width={30}
              onChange={(e) => installer.setFolderTitle(e.currentTarget.value)}
            />
          </Field>
          <Field label="Folder uid">
            <Input
              data-testid={testIds.alertInstaller.folderUid}
              value={installer.folderUid}
              width={24}
              onChange={(e) => installer.setFolderUid(e.currentTarget.value)}
            />
          </Field>
        </Stack>
        {SECRET_FIELDS.map(({ key, label, description }) => (
          <Field key={key} label={label} description={description}>
            <Input
              data-testid={testIds.alertInstaller.secret(key)}
              type="password"
              autoComplete="off"
              width={60}
              value={installer.secrets[key] ?? ''}
              onChange={(e) => {
                const value = e.currentTarget.value;
                installer.setSecrets((current) => ({ ...current, [key]: value || undefined }));
                installer.setPlan(undefined);
              }}
            />
          </Field>
        ))}
        <Stack direction="row" gap={1}>
          <Button
            data-testid={testIds.alertInstaller.review}
            variant="secondary"
            onClick={installer.review}
            disabled={installer.busy || !installer.datasourceUid}
          >
            Review changes
          </Button>
          <Button
            data-testid={testIds.alertInstaller.apply}
            onClick={installer.apply}
            disabled={
              installer.busy ||
              !installer.plan ||
              installer.plan.blockers.length > 0 ||
              installer.plan.requests.length === 0
            }
          >
            Apply
          </Button>
        </Stack>
        {installer.plan && <PlanView plan={installer.plan} className={s.plan} />}
        {installer.outcome && (
          <div data-testid={testIds.alertInstaller.message} className={s.plan}>
            <Alert title={installer.outcome.title} severity={installer.outcome.severity}>
              {installer.outcome.text}
            </Alert>
          </div>
        )}
      </FieldSet>
    </div>
  );
}

function PlanView({ plan, className }: { plan: Plan; className: string }) {
  return (
    <div data-testid={testIds.alertInstaller.plan} className={className}>
      {plan.blockers.map((b) => (
        <Alert key={b} title="Cannot install" severity="error">
          {b}
        </Alert>
      ))}
      {plan.requests.length > 0 && (
        <>
          <Text element="h5">Will change</Text>
          <ul>
            {plan.requests.map((r) => (
              <li key={r.url + r.summary}>
                <Text weight="medium">{r.change === 'create' ? 'Create' : 'Update'}</Text> {r.summary}
              </li>
            ))}
          </ul>
        </>
      )}
      {plan.skipped.length > 0 && (
        <>
          <Text element="h5">Left out</Text>
          <ul>
            {plan.skipped.map((x) => (
              <li key={x}>{x}</li>
            ))}
          </ul>
        </>
      )}
      {plan.unchanged.length > 0 && (
        <Text element="p" color="secondary">
          Already as defined: {plan.unchanged.join('; ')}.
        </Text>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  plan: css`
    margin-top: ${theme.spacing(2)};
  `,
});
