// Makes a fresh checkout runnable with nothing but Node: installs the pinned
// pnpm when it is missing, installs dependencies and builds. Used by `npm run dev`
// and `npm test`, so the quick start stays two commands.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { pnpmCommand } from './pnpm.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (command) => execSync(command, { cwd: root, stdio: 'inherit' });

if (!existsSync(join(root, 'node_modules', '.modules.yaml'))) {
  run(`${pnpmCommand()} install --frozen-lockfile`);
}
run(`${pnpmCommand()} exec tsc -b`);
if (!existsSync(join(root, 'apps', 'ui', 'dist', 'index.html'))) {
  run(`${pnpmCommand()} --filter @pigeon/ui build`);
}
