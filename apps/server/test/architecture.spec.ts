import { spawnSync } from 'node:child_process';
import path from 'node:path';

const workspace = path.resolve(__dirname, '../../..');

interface LintMessage {
  ruleId: string | null;
  message: string;
}

/**
 * Lints `source` as if it lived at `file`, with the repository's ESLint config.
 * The ESLint CLI runs in a child process because its config loader needs native
 * ES module imports, which Jest's CommonJS runtime lacks; type-aware rules are
 * off since the probe file does not exist on disk.
 */
async function importErrors(file: string, source: string): Promise<string[]> {
  const result = spawnSync(
    path.join(workspace, 'node_modules/.bin/eslint'),
    [
      '--stdin',
      '--stdin-filename',
      file,
      '--parser-options=projectService:false',
      '--rule',
      '{"@typescript-eslint/no-floating-promises":"off","@typescript-eslint/switch-exhaustiveness-check":"off"}',
      '--format',
      'json',
    ],
    { cwd: workspace, input: source, encoding: 'utf8' },
  );
  const [report] = JSON.parse(result.stdout) as Array<{ messages: LintMessage[] }>;

  return (report?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

describe('layer import rule', () => {
  jest.setTimeout(60_000);

  it.each([
    ['packages/domain/src/probe.ts', "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n"],
    ['packages/domain/src/probe.ts', "import { CommandBus } from '@pigeon/application';\nexport const x = CommandBus;\n"],
    ['packages/application/src/probe.ts', "import { PgAuditLog } from '@pigeon/infrastructure';\nexport const x = PgAuditLog;\n"],
    ['packages/application/src/probe.ts', "import { DataSource } from 'typeorm';\nexport const x = DataSource;\n"],
    ['packages/infrastructure/src/probe.ts', "import { ApiModule } from '@pigeon/api';\nexport const x = ApiModule;\n"],
    ['packages/api/src/probe.ts', "import { PgAuditLog } from '@pigeon/infrastructure';\nexport const x = PgAuditLog;\n"],
    ['packages/api/src/probe.ts', "import { x } from '../../domain/src/errors';\nexport const y = x;\n"],
    ['packages/client/src/probe.ts', "import { isUuid } from '@pigeon/domain';\nexport const x = isUuid;\n"],
  ])('rejects the import in %s', async (file, source) => {
    const errors = await importErrors(file, source);

    expect(errors).toHaveLength(1);
  });

  it.each([
    ['packages/application/src/probe.ts', "import { PigeonError } from '@pigeon/domain';\nexport const x = PigeonError;\n"],
    ['packages/infrastructure/src/probe.ts', "import { CommandBus } from '@pigeon/application';\nexport const x = CommandBus;\n"],
    ['packages/api/src/probe.ts', "import { CommandBus } from '@pigeon/application';\nexport const x = CommandBus;\n"],
  ])('allows the import in %s', async (file, source) => {
    const errors = await importErrors(file, source);

    expect(errors).toEqual([]);
  });
});
