import React from 'react';
import { render, screen } from '@testing-library/react';
import { PluginType } from '@grafana/data';
import AppConfig, { AppConfigProps } from './AppConfig';
import { testIds } from 'components/testIds';

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

  test('offers to disable an enabled app', () => {
    render(<AppConfig {...propsWith(true)} />);
    expect(screen.getByTestId(testIds.appConfig.toggle)).toHaveTextContent('Disable');
    expect(screen.getByText(/the app is enabled/i)).toBeInTheDocument();
  });
});
