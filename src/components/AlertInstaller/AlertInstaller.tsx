import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, Combobox, Field, FieldSet, Input, Stack, Text, useStyles2 } from '@grafana/ui';
import {
  applyPlan,
  listAgentMemoryDataSources,
  readGrafanaState,
  type DataSourceSummary,
} from '../../alerting/grafanaApi';
import { DEFAULT_INSTALL, planInstall, type InstallOptions, type Plan } from '../../alerting/installer';
import { ALERT_RULES } from '../../alerting/rules';
import type { ContactSecrets } from '../../alerting/grafana';
import { testIds } from '../testIds';
import { placeholderSecrets, withTypedSecrets } from './secretsAtApply';

type Outcome = { severity: 'success' | 'info' | 'error'; title: string; text?: string };

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
  const [dataSources, setDataSources] = useState<DataSourceSummary[] | undefined>();
  const [datasourceUid, setDatasourceUid] = useState<string>('');
  const [folderTitle, setFolderTitle] = useState(DEFAULT_INSTALL.folderTitle);
  const [folderUid, setFolderUid] = useState(DEFAULT_INSTALL.folderUid);
  const [secrets, setSecrets] = useState<ContactSecrets>({});
  const [plan, setPlan] = useState<Plan | undefined>();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | undefined>();

  useEffect(() => {
    listAgentMemoryDataSources()
      .then((list) => {
        setDataSources(list);
        setDatasourceUid((current) => current || list[0]?.uid || '');
      })
      .catch((error) =>
        setOutcome({ severity: 'error', title: 'Could not list the data sources', text: (error as Error).message })
      );
  }, []);

  // What Review reads and plans with: the typed secrets only as placeholders (secretsAtApply.ts).
  const reviewOptions = (): InstallOptions => ({
    datasourceUid,
    folderUid,
    folderTitle,
    secrets: placeholderSecrets(secrets),
  });
  // Secrets stay in the form only while a reviewed plan waits for Apply; every other outcome forgets them.
  const forgetSecrets = () => setSecrets({});

  const review = async () => {
    setBusy(true);
    setOutcome(undefined);
    try {
      const next = planInstall(await readGrafanaState(reviewOptions()), reviewOptions());
      setPlan(next);
      if (next.blockers.length > 0 || next.requests.length === 0) {
        forgetSecrets();
      }
      if (next.blockers.length === 0 && next.requests.length === 0) {
        setOutcome({
          severity: 'info',
          title: 'Nothing to change',
          text: 'The rules, contact points, template and routes in Grafana are as the app defines them.',
        });
      }
    } catch (error) {
      setPlan(undefined);
      forgetSecrets();
      setOutcome({
        severity: 'error',
        title: 'Could not read the alerting configuration',
        text: (error as Error).message,
      });
    } finally {
      setBusy(false);
    }
  };

  const apply = async () => {
    if (!plan) {
      return;
    }
    setBusy(true);
    setOutcome(undefined);
    try {
      // The only place request bodies hold the secrets; they are sent and dropped.
      await applyPlan(withTypedSecrets(plan, secrets));
      // Read back: a second plan must be empty, or the install did not take.
      const readBack = { ...reviewOptions(), secrets: {} };
      const after = planInstall(await readGrafanaState(readBack), readBack);
      setPlan(after);
      if (after.requests.length > 0) {
        setOutcome({
          severity: 'error',
          title: 'Grafana holds something else than was sent',
          text: after.requests.map((r) => r.summary).join('; '),
        });
      } else {
        setOutcome({
          severity: 'success',
          title: `Installed: ${plan.requests.length} change(s) applied`,
          text: 'They are editable in Alerting. Running the installer again changes nothing.',
        });
      }
    } catch (error) {
      // What Grafana holds is no longer what was reviewed: Apply waits for a new Review.
      setPlan(undefined);
      setOutcome({ severity: 'error', title: 'Install stopped', text: (error as Error).message });
    } finally {
      forgetSecrets();
      setBusy(false);
    }
  };

  const noDataSource = dataSources !== undefined && dataSources.length === 0;
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
              options={(dataSources ?? []).map((ds) => ({ label: ds.name, value: ds.uid }))}
              value={datasourceUid || null}
              onChange={(v) => {
                setDatasourceUid(v?.value ?? '');
                setPlan(undefined);
              }}
              width={40}
            />
          </div>
        </Field>
        <Stack direction="row" gap={2}>
          <Field label="Folder" description="Created if it does not exist">
            <Input
              data-testid={testIds.alertInstaller.folderTitle}
              value={folderTitle}
              width={30}
              onChange={(e) => setFolderTitle(e.currentTarget.value)}
            />
          </Field>
          <Field label="Folder uid">
            <Input
              data-testid={testIds.alertInstaller.folderUid}
              value={folderUid}
              width={24}
              onChange={(e) => setFolderUid(e.currentTarget.value)}
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
              value={secrets[key] ?? ''}
              onChange={(e) => {
                const value = e.currentTarget.value;
                setSecrets((current) => ({ ...current, [key]: value || undefined }));
                setPlan(undefined);
              }}
            />
          </Field>
        ))}
        <Stack direction="row" gap={1}>
          <Button
            data-testid={testIds.alertInstaller.review}
            variant="secondary"
            onClick={review}
            disabled={busy || !datasourceUid}
          >
            Review changes
          </Button>
          <Button
            data-testid={testIds.alertInstaller.apply}
            onClick={apply}
            disabled={busy || !plan || plan.blockers.length > 0 || plan.requests.length === 0}
          >
            Apply
          </Button>
        </Stack>
        {plan && <PlanView plan={plan} className={s.plan} />}
        {outcome && (
          <div data-testid={testIds.alertInstaller.message} className={s.plan}>
            <Alert title={outcome.title} severity={outcome.severity}>
              {outcome.text}
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
