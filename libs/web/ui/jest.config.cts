module.exports = {
  displayName: 'web-ui',
  preset: '../../../jest.angular.preset.js',
  coverageDirectory: '../../../coverage/libs/web/ui',
};
