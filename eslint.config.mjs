// Lint for the Node packages. The layer rules below fail the build on an import
// that crosses the hexagonal arrows the wrong way:
// domain <- application <- infrastructure, application <- api, everything <- apps/server.
import tseslint from 'typescript-eslint';

const crossPackageRelative = {
  group: ['**/packages/**', '**/apps/**', '**/domain/src/**', '**/application/src/**', '**/infrastructure/src/**', '**/api/src/**', '**/server/src/**'],
  message: 'Import another package through its name (@pigeon/...), never through a relative path into its sources.',
};

function forbid(names, message) {
  return {
    'no-restricted-imports': [
      'error',
      { patterns: [crossPackageRelative, { group: names, message }] },
    ],
  };
}

const frameworks = ['@nestjs/*', 'typeorm', 'pg', 'express', 'axios', 'class-validator', 'class-transformer', 'jwks-rsa', 'jsonwebtoken', 'pino'];

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', 'apps/ui/**', 'coverage/**', '**/*.cjs', '**/*.mjs', '**/*.js', 'bench/**'],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'padding-line-between-statements': ['error', { blankLine: 'always', prev: '*', next: 'return' }],
    },
  },
  {
    files: ['packages/domain/**/*.ts'],
    rules: forbid(['@pigeon/*', ...frameworks], 'The domain imports nothing of ours and no framework.'),
  },
  {
    files: ['packages/application/**/*.ts'],
    rules: forbid(
      ['@pigeon/infrastructure', '@pigeon/api', '@pigeon/server', '@pigeon/ui', ...frameworks],
      'The application layer imports only @pigeon/domain and no framework.',
    ),
  },
  {
    files: ['packages/infrastructure/**/*.ts'],
    rules: forbid(['@pigeon/api', '@pigeon/server', '@pigeon/ui', '@nestjs/*'], 'Infrastructure may import only application and domain.'),
  },
  {
    files: ['packages/api/**/*.ts'],
    rules: forbid(
      ['@pigeon/infrastructure', '@pigeon/server', '@pigeon/ui', 'typeorm', 'pg', 'jwks-rsa', 'jsonwebtoken', 'axios'],
      'The API layer may import only application and domain; adapters arrive through ports.',
    ),
  },
  {
    files: ['**/test/**/*.ts', 'test-support/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
