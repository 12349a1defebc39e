import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Button, Combobox, LinkButton, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';
import { testIds } from '../components/testIds';
import { dataSourceSettingsUrl } from '../dataSources';
import { FailureAlert, NoDataSource, VerdictBanner } from './overview/OverviewParts';
import {
  DashboardsSection,
  OperationsSection,
  QualitySection,
  ServicesSection,
  TopErrorsSection,
} from './overview/OverviewSections';
import { useDataSources, useOverviewData } from './overview/useOverviewData';

/** The app's landing page: is the agents' memory healthy right now, and where to look next. */
function Overview() {
  const s = useStyles2(getStyles);
  const sources = useDataSources();
  const [chosen, setChosen] = useState<string | undefined>();
  const uid = chosen ?? sources.list?.[0]?.uid;
  return (
    <PluginPage>
      <div data-testid={testIds.overview.container} className={s.container}>
        {sources.error && (
          <Alert title="Could not list the data sources" severity="error">
            {sources.error}
          </Alert>
        )}
        {!sources.list && !sources.error && <LoadingPlaceholder text="Looking for Agent Memory data sources…" />}
        {sources.list?.length === 0 && <NoDataSource />}
        {uid && (
          <>
            {sources.list!.length > 1 && (
              <div className={s.picker} data-testid={testIds.overview.datasource}>
                <Combobox
                  options={sources.list!.map((d) => ({ label: d.name, value: d.uid }))}
                  value={uid}
                  onChange={(o) => setChosen(o.value)}
                  width={40}
                />
              </div>
            )}
            <OverviewBody key={uid} uid={uid} />
          </>
        )}
      </div>
    </PluginPage>
  );
}

function OverviewBody({ uid }: { uid: string }) {
  const { state, refresh } = useOverviewData(uid);
  if (state.status === 'loading') {
    return <LoadingPlaceholder text="Querying the memory signals…" data-testid={testIds.overview.loading} />;
  }
  if (state.status === 'failed') {
    return (
      <Alert title="The data source did not answer" severity="error" data-testid={testIds.overview.error}>
        <Stack direction="column" gap={1}>
          <Text>{state.message}</Text>
          <div>
            <LinkButton href={dataSourceSettingsUrl(uid)} variant="secondary" icon="cog">
              Check the data source settings
            </LinkButton>
          </div>
        </Stack>
      </Alert>
    );
  }
  const { model, failures, at } = state;
  return (
    <Stack direction="column" gap={3}>
      <Stack alignItems="center" justifyContent="space-between">
        <VerdictBanner model={model} />
        <Stack alignItems="center" gap={1}>
          <Text color="secondary" variant="bodySmall">
            Updated {at.toLocaleTimeString()}; operations over the last 5 minutes
          </Text>
          <Button size="sm" variant="secondary" icon="sync" onClick={refresh} data-testid={testIds.overview.refresh}>
            Refresh
          </Button>
        </Stack>
      </Stack>
      {failures.map((f) => (
        <FailureAlert key={f.message} failure={f} uid={uid} />
      ))}
      <ServicesSection services={model.services} />
      <OperationsSection uid={uid} operations={model.operations} />
      <TopErrorsSection uid={uid} topErrors={model.topErrors} />
      <QualitySection quality={model.quality} />
      <DashboardsSection />
    </Stack>
  );
}

export default Overview;

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({ maxWidth: 1100, paddingTop: theme.spacing(1) }),
  picker: css({ marginBottom: theme.spacing(2) }),
});
