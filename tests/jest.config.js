// Integration tests against the real local servers (scripts/stack.sh up) and checks of the build
// output. Node environment; the same swc transform as the unit tests.
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/integration/**/*.test.ts', '<rootDir>/build/**/*.test.ts'],
  // Suites that stop and start servers run last, after the ones that read a steady stack.
  testSequencer: '<rootDir>/faultsLastSequencer.js',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] },
  // The SDK's sources use NodeNext `.js` suffixes on relative imports.
  moduleNameMapper: {
    '^@memstack/telemetry/signals$': '<rootDir>/../telemetry/src/signals/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testTimeout: 60_000,
};
