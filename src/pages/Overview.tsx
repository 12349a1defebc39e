import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Badge, Button, Combobox, LinkButton, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';
import { testIds } from '../components/testIds';
import { TITLES } from '../dashboards/titles';
import type { DashboardUid } from '../dashboards/common';
import {
  breakerName,
  breakerSeverity,
  degradationName,
  degradationSeverity,
  EXPLORE_QUERIES,
} from './overview/overviewQueries';
import { dataSourceSettingsUrl } from '../dataSources';
import { dashboardUrl } from './overview/links';
import { ExploreLink, FailureAlert, NoDataSource, SEVERITY_COLOUR, VerdictBanner } from './overview/OverviewParts';
import { formatRate, formatSeconds, formatShare } from './overview/format';
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
  const s = useStyles2(getStyles);
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
      <section data-testid={testIds.overview.services}>
        <Text element="h3">Services</Text>
        {model.services.length === 0 ? (
          <Text color="secondary">No service reports a degradation level or circuit breaker.</Text>
        ) : (
          <table className={s.table}>
            <thead>
              <tr>
                <th>Service</th>
                <th>Degradation</th>
                <th>Circuit breaker</th>
              </tr>
            </thead>
            <tbody>
              {model.services.map((svc) => (
                <tr key={svc.service}>
                  <td>{svc.service}</td>
                  <td>
                    <Badge
                      text={degradationName(svc.degradation)}
                      color={SEVERITY_COLOUR[degradationSeverity(svc.degradation)]}
                    />
                  </td>
                  <td>
                    <Badge text={breakerName(svc.breaker)} color={SEVERITY_COLOUR[breakerSeverity(svc.breaker)]} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section data-testid={testIds.overview.operations}>
        <Text element="h3">Memory operations</Text>
        {model.operations.length === 0 ? (
          <Alert
            title="No memory operations in the last 5 minutes"
            severity="info"
            data-testid={testIds.overview.noOperations}
          >
            Is the memory service instrumented with @memstack/telemetry, and does the Prometheus of this data source
            scrape its /metrics?
          </Alert>
        ) : (
          <table className={s.table}>
            <thead>
              <tr>
                <th>Operation</th>
                <th className={s.number}>Rate</th>
                <th className={s.number}>Errors</th>
                <th className={s.number}>p99</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {model.operations.map((op) => (
                <tr key={op.operation} data-testid={testIds.overview.operation(op.operation)}>
                  <td>{op.operation}</td>
                  <td className={s.number}>{formatRate(op.ratePerSecond)}</td>
                  <td className={s.number}>{formatShare(op.errorShare)}</td>
                  <td className={s.number}>{formatSeconds(op.p99Seconds)}</td>
                  <td className={s.number}>
                    <ExploreLink uid={uid} query={EXPLORE_QUERIES.p99(op.operation)}>
                      Explore p99
                    </ExploreLink>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section data-testid={testIds.overview.topErrors}>
        <Text element="h3">Top error types, last hour</Text>
        {model.topErrors.length === 0 ? (
          <Text color="secondary">No ERROR or CRITICAL events in the last hour.</Text>
        ) : (
          <table className={s.table}>
            <tbody>
              {model.topErrors.map((e) => (
                <tr key={e.key}>
                  <td>{e.key || '(no error_type)'}</td>
                  <td className={s.number}>{e.value}</td>
                  <td className={s.number}>
                    <ExploreLink uid={uid} query={EXPLORE_QUERIES.errorEvents(e.key)}>
                      Explore events
                    </ExploreLink>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section data-testid={testIds.overview.dashboards}>
        <Text element="h3">Dashboards</Text>
        <Stack wrap="wrap" gap={1}>
          {(Object.keys(TITLES) as DashboardUid[]).map((d) => (
            <LinkButton key={d} href={dashboardUrl(d)} variant="secondary" icon="apps">
              {TITLES[d]}
            </LinkButton>
          ))}
        </Stack>
      </section>
    </Stack>
  );
}

export default Overview;

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({ maxWidth: 1100, paddingTop: theme.spacing(1) }),
  picker: css({ marginBottom: theme.spacing(2) }),
  number: css({ '&&': { textAlign: 'right' } }),
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': { padding: theme.spacing(0.75, 1), borderBottom: `1px solid ${theme.colors.border.weak}` },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium, textAlign: 'left' },
  }),
});
