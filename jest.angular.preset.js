const nxPreset = require('./jest.preset.js');

/**
 * Jest for the Angular projects (apps/web, libs/web/*): components and templates compiled by
 * jest-preset-angular, each project's `src/test-setup.ts` (zoneless TestBed), Angular's snapshot
 * serializers. A project's jest.config.cts names itself and its coverage folder only.
 */
module.exports = {
  ...nxPreset,
  setupFilesAfterEnv: ['<rootDir>/src/test-setup.ts'],
  transform: {
    '^.+\\.(ts|mjs|js|html)$': [
      'jest-preset-angular',
      {
        tsconfig: '<rootDir>/tsconfig.spec.json',
        stringifyContentPathRegex: '\\.(html|svg)$',
      },
    ],
    // Anything else (.cts, .cjs…) as Nx's preset compiles it.
    ...nxPreset.transform,
  },
  transformIgnorePatterns: ['node_modules/(?!.*\\.mjs$)'],
  snapshotSerializers: [
    'jest-preset-angular/build/serializers/no-ng-attributes',
    'jest-preset-angular/build/serializers/ng-snapshot',
    'jest-preset-angular/build/serializers/html-comment',
  ],
};
