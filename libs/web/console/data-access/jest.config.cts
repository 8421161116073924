module.exports = {
  displayName: 'web-console-data-access',
  preset: '../../../../jest.angular.preset.js',
  coverageDirectory: '../../../../coverage/libs/web/console/data-access',
};
