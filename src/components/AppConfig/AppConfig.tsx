import React, { useState } from 'react';
import { lastValueFrom } from 'rxjs';
import { css } from '@emotion/css';
import { AppPluginMeta, GrafanaTheme2, PluginConfigPageProps, PluginMeta } from '@grafana/data';
import { getBackendSrv, locationService } from '@grafana/runtime';
import { Alert, Button, FieldSet, Text, useStyles2 } from '@grafana/ui';
import { AlertInstaller } from '../AlertInstaller/AlertInstaller';
import { DataSourceCheck } from '../DataSourceCheck/DataSourceCheck';
import { testIds } from '../testIds';

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<{}>> {}

/** The app's configuration page: enabling the app makes its pages, panels and data source available. */
const AppConfig = ({ plugin }: AppConfigProps) => {
  const s = useStyles2(getStyles);
  const { enabled, pinned } = plugin.meta;
  const [error, setError] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);

  const toggle = async () => {
    setSaving(true);
    setError(undefined);
    try {
      await updatePluginSettings(plugin.meta.id, { enabled: !enabled, pinned: !enabled ? true : pinned, jsonData: {} });
      locationService.reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : 'saving the plugin settings failed');
      setSaving(false);
    }
  };

  return (
    <div data-testid={testIds.appConfig.container}>
      <FieldSet label="Agent Memory Observability">
        <Text element="p">
          {enabled
            ? 'The app is enabled: its pages are in the navigation and its data source and panels can be used.'
            : 'Enable the app to add its pages to the navigation and use its data source and panels.'}
        </Text>
        {error && (
          <Alert title="Could not save" severity="error">
            {error}
          </Alert>
        )}
        <div className={s.marginTop}>
          <Button
            data-testid={testIds.appConfig.toggle}
            variant={enabled ? 'destructive' : 'primary'}
            onClick={toggle}
            disabled={saving}
          >
            {enabled ? 'Disable' : 'Enable'}
          </Button>
        </div>
      </FieldSet>
      {enabled && <DataSourceCheck />}
      {enabled && <AlertInstaller />}
    </div>
  );
};

export default AppConfig;

const getStyles = (theme: GrafanaTheme2) => ({
  marginTop: css`
    margin-top: ${theme.spacing(2)};
  `,
});

const updatePluginSettings = async (pluginId: string, data: Partial<PluginMeta>) => {
  const response = getBackendSrv().fetch({ url: `/api/plugins/${pluginId}/settings`, method: 'POST', data });
  return lastValueFrom(response);
};
