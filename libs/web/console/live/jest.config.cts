module.exports = {
  displayName: 'web-console-live',
  preset: '../../../../jest.angular.preset.js',
  coverageDirectory: '../../../../coverage/libs/web/console/live',
};
