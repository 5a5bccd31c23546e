// Runs the pnpm version this repository pins, installing nothing globally:
// an installed pnpm 10 is used as is, otherwise npx fetches the pinned one.
import { execSync, spawnSync } from 'node:child_process';

export const PNPM_VERSION = '10.34.9';

export function pnpmCommand() {
  try {
    const version = execSync('pnpm --version', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    if (version.startsWith('10.')) {
      return 'pnpm';
    }
  } catch {
    // No pnpm on PATH: fall through to npx.
  }

  return `npx --yes pnpm@${PNPM_VERSION}`;
}

if (process.argv[1] && process.argv[1].endsWith('pnpm.mjs')) {
  const result = spawnSync(`${pnpmCommand()} ${process.argv.slice(2).map((arg) => JSON.stringify(arg)).join(' ')}`, {
    shell: true,
    stdio: 'inherit',
  });
  process.exit(result.status ?? 1);
}
