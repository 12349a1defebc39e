// The jest configuration of the Node workspaces (the SDK and the demo): TypeScript compiled by
// swc like the plugin's, standard (TC39 2022-03) decorators for the SDK's trackedOperation, and
// `.js` import suffixes mapped back to the `.ts` sources.
module.exports = function nodeWorkspaceJestConfig() {
  return {
    testEnvironment: 'node',
    testMatch: ['<rootDir>/src/**/*.test.ts'],
    transform: {
      '^.+\\.ts$': [
        '@swc/jest',
        {
          jsc: {
            parser: { syntax: 'typescript', decorators: true },
            transform: { decoratorVersion: '2022-03' },
            target: 'es2022',
          },
        },
      ],
    },
    moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  };
};
