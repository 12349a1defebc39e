/**
 * The app's Overview page as Grafana mounts it, over the stand-in's /api/datasources and
 * /api/ds/query, which answer through the real backend from the demo's real signals
 * (tests/browser/overview.spec.ts). `?theme=light` renders the light theme.
 */
import React from 'react';
import { createRoot } from 'react-dom/client';
import { createTheme } from '@grafana/data';
import { ThemeContext } from '@grafana/ui';
import Overview from '../../src/pages/Overview';
import { installBackendSrv } from './grafanaBackendSrv';

installBackendSrv();
const mode = new URLSearchParams(window.location.search).get('theme') === 'light' ? 'light' : 'dark';
const theme = createTheme({ colors: { mode } });
document.body.style.background = theme.colors.background.primary;
document.body.style.color = theme.colors.text.primary;

createRoot(document.getElementById('root')!).render(
  <ThemeContext.Provider value={theme}>
    <div style={{ padding: 16 }}>
      <Overview />
    </div>
  </ThemeContext.Provider>
);
