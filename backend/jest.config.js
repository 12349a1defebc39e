// Unit tests of the backend's pure code (handshake, frames, query model); integration lives in tests/.
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  // `@memstack/telemetry/signals` from the SDK's source; its modules name each other with .js.
  moduleNameMapper: {
    '^@memstack/telemetry/signals$': '<rootDir>/../telemetry/src/signals/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] },
};
