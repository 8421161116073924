/**
 * Black-box specs against the built API (dist/apps/api/main.js), started as child processes on free
 * ports with temporary SQLite files. They spawn servers and hammer them with real concurrency, so
 * they run one file at a time and get generous per-test time.
 */
export default {
  displayName: 'api-e2e',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
  maxWorkers: 1,
  // Every answer a spec receives is held against the server's OpenAPI document.
  setupFilesAfterEnv: ['<rootDir>/src/openapi/check-every-reply.ts'],
  testTimeout: 60_000,
  coverageDirectory: '../../coverage/api-e2e',
};
