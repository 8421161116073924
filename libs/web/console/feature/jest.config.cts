const preset = require('../../../../jest.angular.preset.js');

module.exports = {
  displayName: 'web-console',
  preset: '../../../../jest.angular.preset.js',
  coverageDirectory: '../../../../coverage/libs/web/console/feature',
  // Plain CommonJS, loaded as it is (the TypeScript transforms do not take a bare setup module).
  globalSetup: '<rootDir>/jest.time-zone.cjs',
  transformIgnorePatterns: [...preset.transformIgnorePatterns, 'jest\\.time-zone\\.cjs$'],
};
