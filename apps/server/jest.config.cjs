const path = require('node:path');

const { jestProject } = require('../../jest.preset.cjs');

module.exports = {
  globalSetup: path.join(__dirname, '../../test-support/global-setup.mjs'),
  globalTeardown: path.join(__dirname, '../../test-support/global-teardown.mjs'),
  ...jestProject(__dirname, 'server'),
};
