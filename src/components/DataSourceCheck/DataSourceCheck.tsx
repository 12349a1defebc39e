import React, { useCallback, useEffect, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Badge, Button, FieldSet, LinkButton, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';
import { errorMessage } from '../../errors';
import {
  dataSourceSettingsUrl,
  listAgentMemoryDataSources,
  newDataSourceUrl,
  type DataSourceSummary,
} from '../../dataSources';
import { testIds } from '../testIds';
import { checkDataSource, sourceStatuses, type SourceStatus } from './sourceHealth';

type Checked = { ds: DataSourceSummary; statuses?: SourceStatus[]; error?: string };

/** The configuration page's set-up check: each Agent Memory data source, and which of its sources answers. */
export function DataSourceCheck() {
  const s = useStyles2(getStyles);
  const [state, setState] = useState<{ checked?: Checked[]; error?: string; running: boolean }>({ running: true });
  const run = useCallback(async () => {
    setState((prev) => ({ ...prev, running: true }));
    try {
      const list = await listAgentMemoryDataSources();
      const checked = await Promise.all(
        list.map(async (ds): Promise<Checked> => {
          try {
            return { ds, statuses: sourceStatuses(await checkDataSource(ds.uid)) };
          } catch (error) {
            return { ds, error: errorMessage(error) };
          }
        })
      );
      setState({ checked, running: false });
    } catch (error) {
      setState({ error: errorMessage(error), running: false });
    }
  }, []);
  useEffect(() => {
    // The first check runs on its own: the page opens with the answer.
    void Promise.resolve().then(run);
  }, [run]);

  return (
    <div data-testid={testIds.dataSourceCheck.container} className={s.section}>
      <FieldSet label="Data source set-up">
        <Text element="p" color="secondary">
          Each Agent Memory data source and which of its sources answers (the data source&apos;s own health check).
        </Text>
        {state.error && (
          <Alert title="Could not list the data sources" severity="error">
            {state.error}
          </Alert>
        )}
        {!state.checked && state.running && <LoadingPlaceholder text="Checking the data sources…" />}
        {state.checked?.length === 0 && (
          <Alert title="No Agent Memory data source yet" severity="info" data-testid={testIds.dataSourceCheck.none}>
            <LinkButton href={newDataSourceUrl()} icon="plus">
              Add an Agent Memory data source
            </LinkButton>
          </Alert>
        )}
        {state.checked?.map(({ ds, statuses, error }) => (
          <div key={ds.uid} className={s.ds} data-testid={testIds.dataSourceCheck.datasource(ds.uid)}>
            <Stack alignItems="center" justifyContent="space-between">
              <Text weight="medium">{ds.name}</Text>
              <LinkButton href={dataSourceSettingsUrl(ds.uid)} size="sm" variant="secondary" fill="text" icon="cog">
                Settings
              </LinkButton>
            </Stack>
            {error && <Text color="error">The health check did not answer: {error}</Text>}
            {statuses?.map((st) => (
              <div key={st.source} className={s.row} data-testid={testIds.dataSourceCheck.source(ds.uid, st.source)}>
                <Badge
                  text={st.ok === undefined ? 'not set' : st.ok ? 'reachable' : 'failing'}
                  color={st.ok === undefined ? 'blue' : st.ok ? 'green' : 'red'}
                  icon={st.ok === false ? 'exclamation-triangle' : st.ok ? 'check' : 'info-circle'}
                />
                <Text weight="medium">{st.label}</Text>
                <Text color="secondary">{st.message}</Text>
              </div>
            ))}
          </div>
        ))}
        <Button
          variant="secondary"
          icon="sync"
          onClick={run}
          disabled={state.running}
          data-testid={testIds.dataSourceCheck.recheck}
        >
          Check again
        </Button>
      </FieldSet>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  section: css({ marginTop: theme.spacing(3) }),
  ds: css({
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1.5),
    marginBottom: theme.spacing(2),
  }),
  row: css({
    display: 'grid',
    gridTemplateColumns: '110px 120px 1fr',
    alignItems: 'center',
    gap: theme.spacing(1),
    padding: theme.spacing(0.5, 0),
  }),
});
