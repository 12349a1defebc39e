// force timezone to UTC to allow tests to work regardless of local timezone
// generally used by snapshots, but can affect specific tests
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');

// @grafana/data 13.x pulls d3-color's .mjs build, which the scaffold's transform pattern
// (^.+\.(t|j)sx?$) skips; the same swc transform is registered for .mjs as well.
const swcTransform = base.transform['^.+\\.(t|j)sx?$'];

module.exports = {
  // Jest configuration provided by Grafana scaffolding
  ...base,
  transform: { '^.+\\.m?(t|j)sx?$': swcTransform },
  // The telemetry SDK is ESM and names its own modules with .js (./catalog.js is catalog.ts);
  // tests of the dashboards read it from source.
  // `@memstack/telemetry/signals` is read from the SDK's source, like webpack and tsconfig do.
  moduleNameMapper: {
    ...base.moduleNameMapper,
    '^@memstack/telemetry/signals$': '<rootDir>/telemetry/src/signals/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};
