import { defineConfig } from 'eslint/config';
import baseConfig from './.config/eslint.config.mjs';

export default defineConfig([
  {
    ignores: [
      '**/logs',
      '**/*.log',
      '**/npm-debug.log*',
      '**/yarn-debug.log*',
      '**/yarn-error.log*',
      '**/.pnpm-debug.log*',
      '**/node_modules/',
      '.yarn/cache',
      '.yarn/unplugged',
      '.yarn/build-state.yml',
      '.yarn/install-state.gz',
      '**/.pnp.*',
      '**/pids',
      '**/*.pid',
      '**/*.seed',
      '**/*.pid.lock',
      '**/lib-cov',
      '**/coverage',
      '**/dist/',
      '**/artifacts/',
      '**/work/',
      '**/ci/',
      'test-results/',
      'playwright-report/',
      'blob-report/',
      'playwright/.cache/',
      'playwright/.auth/',
      '**/.idea',
      '**/.eslintcache',
      '**/build/',
      'backend/scripts/',
      'tests/conformance/',
    ],
  },
  ...baseConfig,
  {
    // The workspaces (backend, SDK, demo) and the test suites follow the same rules as the plugin.
    files: ['backend/src/**/*.ts', 'telemetry/src/**/*.ts', 'demo/src/**/*.ts', 'tests/**/*.ts', 'contract/**/*.ts'],
  },
  {
    // App plugins bundle dashboards as classic (v1) JSON, which is what Grafana's app import reads;
    // the foundation SDK marks its v1 builders deprecated in favour of the v2 schema.
    files: ['src/dashboards/**/*.ts', 'scripts/generate-dashboards.ts'],
    rules: { '@typescript-eslint/no-deprecated': 'off' },
  },
]);
