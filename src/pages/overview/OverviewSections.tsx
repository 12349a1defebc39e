import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Badge, LinkButton, Stack, Text, useStyles2 } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { DASHBOARD_UIDS, type DashboardUid } from '../../dashboards/uids';
import { TITLES } from '../../dashboards/titles';
import { formatFactor, formatRate, formatSeconds, formatShare } from './format';
import { dashboardUrl } from './links';
import { ExploreLink, SEVERITY_COLOUR } from './OverviewParts';
import {
  breakerName,
  breakerSeverity,
  degradationName,
  degradationSeverity,
  EXPLORE_QUERIES,
  QUALITY_MEASURES,
  qualitySeverity,
  type OverviewModel,
  type QualityMeasure,
} from './overviewQueries';

/** Degradation level and breaker state per service, coloured by their severity. */
export function ServicesSection({ services }: { services: OverviewModel['services'] }) {
  const s = useStyles2(getStyles);
  return (
    <section data-testid={testIds.overview.services}>
      <Text element="h3">Services</Text>
      {services.length === 0 ? (
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
            {services.map((svc) => (
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
  );
}

/** Rate, error share and p99 per memory operation, each with a link to Explore. */
export function OperationsSection({ uid, operations }: { uid: string; operations: OverviewModel['operations'] }) {
  const s = useStyles2(getStyles);
  return (
    <section data-testid={testIds.overview.operations}>
      <Text element="h3">Memory operations</Text>
      {operations.length === 0 ? (
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
            {operations.map((op) => (
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
  );
}

/** The most frequent error types of the last hour, each with a link to its events. */
export function TopErrorsSection({ uid, topErrors }: { uid: string; topErrors: OverviewModel['topErrors'] }) {
  const s = useStyles2(getStyles);
  return (
    <section data-testid={testIds.overview.topErrors}>
      <Text element="h3">Top error types, last hour</Text>
      {topErrors.length === 0 ? (
        <Text color="secondary">No ERROR or CRITICAL events in the last hour.</Text>
      ) : (
        <table className={s.table}>
          <tbody>
            {topErrors.map((e) => (
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
  );
}

/** Each quality measure's column: its heading and how its value reads. */
const QUALITY_COLUMNS: Record<QualityMeasure, { title: string; format: (value?: number) => string }> = {
  churn: { title: 'Churn', format: formatShare },
  emptyAdds: { title: 'Empty adds', format: formatShare },
  emptySearches: { title: 'Empty searches', format: formatShare },
  similarity: { title: 'Best match vs 6 h', format: formatFactor },
  recallAge: { title: 'Recall age p50', format: formatSeconds },
};

/** Churn, empty adds, empty searches, match strength and recall age per agent type, coloured as the rules judge them. */
export function QualitySection({ quality }: { quality: OverviewModel['quality'] }) {
  const s = useStyles2(getStyles);
  return (
    <section data-testid={testIds.overview.quality}>
      <Stack justifyContent="space-between" alignItems="center">
        <Text element="h3">Memory quality</Text>
        <LinkButton href={dashboardUrl(DASHBOARD_UIDS.quality)} variant="secondary" size="sm" icon="apps">
          {TITLES[DASHBOARD_UIDS.quality]}
        </LinkButton>
      </Stack>
      {quality.length === 0 ? (
        <Text color="secondary">No agent type has written or searched memories in the alert rules&apos; windows.</Text>
      ) : (
        <table className={s.table}>
          <thead>
            <tr>
              <th>Agent type</th>
              {QUALITY_MEASURES.map((m) => (
                <th key={m} className={s.number}>
                  {QUALITY_COLUMNS[m].title}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {quality.map((row) => (
              <tr key={row.agentType} data-testid={testIds.overview.qualityRow(row.agentType)}>
                <td>{row.agentType}</td>
                {QUALITY_MEASURES.map((m) => (
                  <td key={m} className={s.number} data-severity={qualitySeverity(m, row.values[m])}>
                    <Badge
                      text={QUALITY_COLUMNS[m].format(row.values[m])}
                      color={SEVERITY_COLOUR[qualitySeverity(m, row.values[m])]}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A button per bundled dashboard. */
export function DashboardsSection() {
  return (
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
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  number: css({ '&&': { textAlign: 'right' } }),
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': { padding: theme.spacing(0.75, 1), borderBottom: `1px solid ${theme.colors.border.weak}` },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium, textAlign: 'left' },
  }),
});
