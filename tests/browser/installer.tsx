/**
 * The app's configuration page (with its alert installer) as Grafana mounts it for an enabled
 * app. Grafana's API is the stand-in's recording implementation of the alerting provisioning
 * API (tests/conformance/cmd/grafanastandin/alerting.go); tests/browser/alertInstaller.spec.ts
 * drives the page and checks every request.
 */
import React from 'react';
import { createRoot } from 'react-dom/client';
import { createTheme, PluginType } from '@grafana/data';
import { ThemeContext } from '@grafana/ui';
import AppConfig, { type AppConfigProps } from '../../src/components/AppConfig/AppConfig';
import { installBackendSrv } from './grafanaBackendSrv';

// Grafana behaviours this file imitates, each a row of docs/grafana-behaviour.md:
//   Grafana: APP-CONFIG-PAGE-PROPS (docs/grafana-behaviour.md)

installBackendSrv();
const theme = createTheme({ colors: { mode: 'dark' } });
document.body.style.background = theme.colors.background.primary;
document.body.style.color = theme.colors.text.primary;

const props = {
  plugin: {
    meta: {
      id: 'memstack-agentmemory-app',
      name: 'Agent Memory Observability',
      type: PluginType.app,
      enabled: true,
      jsonData: {},
    },
  },
  query: {},
} as unknown as AppConfigProps;

createRoot(document.getElementById('root')!).render(
  <ThemeContext.Provider value={theme}>
    <AppConfig {...props} />
  </ThemeContext.Provider>
);
