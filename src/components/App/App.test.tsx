import React from 'react';
import { MemoryRouter } from 'react-router-dom';
import { AppRootProps, PluginType } from '@grafana/data';
import { render } from '@testing-library/react';
import App from './App';
import { testIds } from '../testIds';

describe('Components/App', () => {
  let props: AppRootProps;

  beforeEach(() => {
    jest.resetAllMocks();

    props = {
      basename: 'a/sample-app',
      meta: {
        id: 'sample-app',
        name: 'Sample App',
        type: PluginType.app,
        enabled: true,
        jsonData: {},
      },
      query: {},
      path: '',
      onNavChanged: jest.fn(),
    } as unknown as AppRootProps;
  });

  test('routes the app to the overview page', async () => {
    const { findByTestId } = render(
      <MemoryRouter future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
        <App {...props} />
      </MemoryRouter>
    );
    // The page is lazy loaded; the wait is generous because a loaded machine compiles it slowly.
    expect(await findByTestId(testIds.overview.container, {}, { timeout: 10_000 })).toBeInTheDocument();
  });
});
