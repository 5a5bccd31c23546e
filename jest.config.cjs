const path = require('node:path');

const { jestProject } = require('./jest.preset.cjs');

const here = (dir) => path.join(__dirname, dir);

module.exports = {
  globalSetup: '<rootDir>/test-support/global-setup.mjs',
  globalTeardown: '<rootDir>/test-support/global-teardown.mjs',
  projects: [
    jestProject(here('packages/domain'), 'domain'),
    jestProject(here('packages/application'), 'application'),
    jestProject(here('packages/infrastructure'), 'infrastructure'),
    jestProject(here('packages/api'), 'api'),
    jestProject(here('packages/client'), 'client'),
    jestProject(here('apps/server'), 'server'),
  ],
};
