import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Badge, LinkButton, Stack, Text, useStyles2, type BadgeColor } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import type { QueryModel } from '../../../contract';
import {
  breakerSeverity,
  degradationName,
  degradationSeverity,
  verdict,
  type OverviewModel,
  type Severity,
  type Verdict,
} from './overviewQueries';
import { dataSourceSettingsUrl, newDataSourceUrl } from '../../dataSources';
import { exploreUrl } from './links';
import type { QueryFailure } from './useOverviewData';

/** The overview's smaller pieces: the verdict, the failure and empty states, the Explore link. */

const SECTION_NAMES: Record<string, string> = {
  health: 'health score',
  degradation: 'degradation levels',
  breakers: 'circuit breakers',
  rate: 'operation rates',
  errors: 'error rates',
  p99: 'p99 latency',
  topErrors: 'top error types',
};

export function ExploreLink({ uid, query, children }: { uid: string; query: QueryModel; children: string }) {
  return (
    <LinkButton size="sm" variant="secondary" fill="text" icon="compass" href={exploreUrl(uid, query)}>
      {children}
    </LinkButton>
  );
}

export function NoDataSource() {
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

export const SEVERITY_COLOUR: Record<Severity, BadgeColor> = {
  ok: 'green',
  warning: 'orange',
  critical: 'red',
  unknown: 'blue',
};

const VERDICT: Record<Verdict, { title: string; severity: Severity }> = {
  healthy: { title: 'Healthy', severity: 'ok' },
  degraded: { title: 'Degraded', severity: 'warning' },
  unhealthy: { title: 'Unhealthy', severity: 'critical' },
  unknown: { title: 'No health reported', severity: 'unknown' },
};

export function VerdictBanner({ model }: { model: OverviewModel }) {
  const s = useStyles2(getStyles);
  const v = verdict(model);
  const open = model.services.filter((x) => breakerSeverity(x.breaker) === 'critical').map((x) => x.service);
  const degraded = model.services
    .filter((x) => ['warning', 'critical'].includes(degradationSeverity(x.degradation)))
    .map((x) => `${x.service} (${degradationName(x.degradation)})`);
  const details = [
    model.healthScore !== undefined ? `health score ${model.healthScore.toFixed(0)} / 100` : undefined,
    open.length ? `breaker open: ${open.join(', ')}` : undefined,
    degraded.length ? `degraded: ${degraded.join(', ')}` : undefined,
  ].filter(Boolean);
  return (
    <div className={s.verdict} data-testid={testIds.overview.verdict} data-verdict={v}>
      <Badge
        text={VERDICT[v].title}
        color={SEVERITY_COLOUR[VERDICT[v].severity]}
        icon={v === 'healthy' ? 'check' : 'exclamation-triangle'}
      />
      <Text>{details.join(' · ') || 'The memory service reports no health score yet.'}</Text>
    </div>
  );
}

export function FailureAlert({ failure, uid }: { failure: QueryFailure; uid: string }) {
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

const getStyles = (theme: GrafanaTheme2) => ({
  verdict: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(1.5) }),
});
