import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { LinkButton, Stack, Text, useStyles2 } from '@grafana/ui';
import { testIds } from '../components/testIds';
import { DATASOURCE_PLUGIN_ID } from '../constants';

/** The app's landing page: what it observes and where to start. */
function Overview() {
  const s = useStyles2(getStyles);
  return (
    <PluginPage>
      <div data-testid={testIds.overview.container} className={s.container}>
        <Stack direction="column" gap={2}>
          <Text element="h2">Observe the memory layer of your AI agents</Text>
          <Text>
            Memory operation latency per operation, cache hit ratio per layer, relevance of what memory returns, circuit
            breakers and degradation of the backends, and context growth per agent: from Prometheus, Elasticsearch and
            Jaeger, through one data source.
          </Text>
          <Text color="secondary">
            Instrument your memory service with the @memstack/telemetry SDK, then add an Agent Memory data source that
            points at your Prometheus.
          </Text>
          <div>
            <LinkButton
              data-testid={testIds.overview.dataSourceLink}
              href={`/connections/datasources/new?type=${DATASOURCE_PLUGIN_ID}`}
              icon="plus"
            >
              Add an Agent Memory data source
            </LinkButton>
          </div>
        </Stack>
      </div>
    </PluginPage>
  );
}

export default Overview;

const getStyles = (theme: GrafanaTheme2) => ({
  container: css`
    max-width: 860px;
    padding-top: ${theme.spacing(1)};
  `,
});
