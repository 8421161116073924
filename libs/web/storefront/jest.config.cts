module.exports = {
  displayName: 'web-storefront',
  preset: '../../../jest.angular.preset.js',
  coverageDirectory: '../../../coverage/libs/web/storefront',
};
