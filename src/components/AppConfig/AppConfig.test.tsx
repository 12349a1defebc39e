import React from 'react';
import { render, screen, waitFor } from '@testing-library/react';
import { PluginType } from '@grafana/data';
import AppConfig, { AppConfigProps } from './AppConfig';
import { testIds } from 'components/testIds';

// The installer's I/O goes to Grafana's API (tested in the browser suite against the recording stand-in).
jest.mock('../../dataSources', () => ({
  ...jest.requireActual('../../dataSources'),
  listAgentMemoryDataSources: () =>
    Promise.resolve([{ uid: 'agentmemory', name: 'Agent Memory', type: 'memstack-agentmemory-datasource' }]),
}));
jest.mock('../../alerting/grafanaApi', () => ({
  readGrafanaState: jest.fn(),
  applyPlan: jest.fn(),
}));

function propsWith(enabled: boolean): AppConfigProps {
  return {
    plugin: {
      meta: {
        id: 'memstack-agentmemory-app',
        name: 'Agent Memory Observability',
        type: PluginType.app,
        enabled,
        jsonData: {},
      },
    },
    query: {},
  } as unknown as AppConfigProps;
}

describe('Components/AppConfig', () => {
  test('offers to enable a disabled app', () => {
    render(<AppConfig {...propsWith(false)} />);
    expect(screen.getByRole('group', { name: /agent memory observability/i })).toBeInTheDocument();
    expect(screen.getByTestId(testIds.appConfig.toggle)).toHaveTextContent('Enable');
  });

  test('offers to disable an enabled app', async () => {
    render(<AppConfig {...propsWith(true)} />);
    expect(screen.getByTestId(testIds.appConfig.toggle)).toHaveTextContent('Disable');
    expect(screen.getByText(/the app is enabled/i)).toBeInTheDocument();
    await waitFor(() => expect(screen.getByDisplayValue('Agent Memory')).toBeInTheDocument());
  });

  test('an enabled app offers the alert installer with the Agent Memory data source picked', async () => {
    render(<AppConfig {...propsWith(true)} />);
    expect(screen.getByTestId(testIds.alertInstaller.container)).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId(testIds.alertInstaller.review)).toBeEnabled());
  });

  test('a disabled app has no installer (its data source and rules are not available yet)', () => {
    render(<AppConfig {...propsWith(false)} />);
    expect(screen.queryByTestId(testIds.alertInstaller.container)).not.toBeInTheDocument();
  });
});
