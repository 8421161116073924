module.exports = {
  displayName: 'web-console',
  preset: '../../../../jest.angular.preset.js',
  coverageDirectory: '../../../../coverage/libs/web/console/feature',
};
