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
  degradationName,
  EXPLORE_QUERIES,
  verdict,
  type OverviewModel,
  type Verdict,
} from './overview/overviewQueries';
import { dashboardUrl, dataSourceSettingsUrl, exploreUrl, newDataSourceUrl } from './overview/links';
import { formatRate, formatSeconds, formatShare } from './overview/format';
import { useDataSources, useOverviewData, type QueryFailure } from './overview/useOverviewData';

const SECTION_NAMES: Record<string, string> = {
  health: 'health score',
  degradation: 'degradation levels',
  breakers: 'circuit breakers',
  rate: 'operation rates',
  errors: 'error rates',
  p99: 'p99 latency',
  topErrors: 'top error types',
};

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

function NoDataSource() {
  return (
    <Alert title="No Agent Memory data source yet" severity="info" data-testid={testIds.overview.empty}>
      <Stack direction="column" gap={1}>
        <Text>
          The overview reads your memory service&apos;s signals through an Agent Memory data source. Add one that points
          at the Prometheus that scrapes your service (and, for events and traces, at Elasticsearch and Jaeger).
        </Text>
        <div>
          <LinkButton data-testid={testIds.overview.dataSourceLink} href={newDataSourceUrl()} icon="plus">
            Add an Agent Memory data source
          </LinkButton>
        </div>
      </Stack>
    </Alert>
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
                      color={svc.degradation <= 0 ? 'green' : svc.degradation === 1 ? 'orange' : 'red'}
                    />
                  </td>
                  <td>
                    <Badge
                      text={breakerName(svc.breaker)}
                      color={
                        svc.breaker === 1 ? 'red' : svc.breaker === 2 ? 'orange' : svc.breaker === 0 ? 'green' : 'blue'
                      }
                    />
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
                    <LinkButton
                      size="sm"
                      variant="secondary"
                      fill="text"
                      icon="compass"
                      href={exploreUrl(uid, EXPLORE_QUERIES.p99(op.operation))}
                    >
                      Explore p99
                    </LinkButton>
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
                    <LinkButton
                      size="sm"
                      variant="secondary"
                      fill="text"
                      icon="compass"
                      href={exploreUrl(uid, EXPLORE_QUERIES.errorEvents(e.key))}
                    >
                      Explore events
                    </LinkButton>
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

const VERDICT_TEXT: Record<Verdict, { title: string; severity: 'success' | 'warning' | 'error' | 'info' }> = {
  healthy: { title: 'Healthy', severity: 'success' },
  degraded: { title: 'Degraded', severity: 'warning' },
  unhealthy: { title: 'Unhealthy', severity: 'error' },
  unknown: { title: 'No health reported', severity: 'info' },
};

function VerdictBanner({ model }: { model: OverviewModel }) {
  const s = useStyles2(getStyles);
  const v = verdict(model);
  const open = model.services.filter((x) => x.breaker === 1).map((x) => x.service);
  const degraded = model.services
    .filter((x) => x.degradation >= 1)
    .map((x) => `${x.service} (${degradationName(x.degradation)})`);
  const details = [
    model.healthScore !== undefined ? `health score ${model.healthScore.toFixed(0)} / 100` : undefined,
    open.length ? `breaker open: ${open.join(', ')}` : undefined,
    degraded.length ? `degraded: ${degraded.join(', ')}` : undefined,
  ].filter(Boolean);
  return (
    <div className={s.verdict} data-testid={testIds.overview.verdict} data-verdict={v}>
      <Badge
        text={VERDICT_TEXT[v].title}
        color={v === 'healthy' ? 'green' : v === 'degraded' ? 'orange' : v === 'unhealthy' ? 'red' : 'blue'}
        icon={v === 'healthy' ? 'check' : 'exclamation-triangle'}
      />
      <Text>{details.join(' · ') || 'The memory service reports no health score yet.'}</Text>
    </div>
  );
}

function FailureAlert({ failure, uid }: { failure: QueryFailure; uid: string }) {
  return (
    <Alert
      title={`No ${failure.refIds.map((r) => SECTION_NAMES[r]).join(', ')}`}
      severity="error"
      data-testid={testIds.overview.failure}
    >
      <Stack direction="column" gap={1}>
        <Text>{failure.message}</Text>
        <div>
          <LinkButton href={dataSourceSettingsUrl(uid)} variant="secondary" size="sm" icon="cog">
            Check the data source settings
          </LinkButton>
        </div>
      </Stack>
    </Alert>
  );
}

export default Overview;

const getStyles = (theme: GrafanaTheme2) => ({
  container: css({ maxWidth: 1100, paddingTop: theme.spacing(1) }),
  picker: css({ marginBottom: theme.spacing(2) }),
  verdict: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(1.5) }),
  number: css({ '&&': { textAlign: 'right' } }),
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': { padding: theme.spacing(0.75, 1), borderBottom: `1px solid ${theme.colors.border.weak}` },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium, textAlign: 'left' },
  }),
});
