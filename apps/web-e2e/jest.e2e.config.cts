/**
 * Browser specs against the production build served by the production API. Named so that the
 * @nx/jest plugin does not infer a `test` target: these run only through `nx e2e web-e2e`, after
 * `web:build` and `api:build`.
 */
module.exports = {
  displayName: 'web-e2e',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
  // Each spec file starts its own API and Chromium; one at a time on a small machine.
  maxWorkers: 1,
  testTimeout: 90_000,
  coverageDirectory: '../../coverage/apps/web-e2e',
};
