import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { freePort } from '../../../test-support/free-port';

const workspace = path.resolve(import.meta.dirname, '../../..');
const serverMain = path.join(workspace, 'apps/server/dist/main.js');
const consoleIndex = path.join(workspace, 'apps/ui/dist/index.html');

/** A `pigeon dev` child process with its own ports and data directory. */
export interface PigeonDev {
  /** Base URL of the API and the web console. */
  readonly baseUrl: string;
  /** Everything the process printed so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `node apps/server/dist/main.js dev` on free ports with a temporary
 * PIGEON_DATA_DIR and waits until it prints the console URL. `env` is added
 * to the process environment.
 *
 * @throws Error when the server or the console is not built, or the process
 * exits or stays silent for a minute.
 */
export async function startPigeonDev(env: Record<string, string> = {}): Promise<PigeonDev> {
  for (const file of [serverMain, consoleIndex]) {
    if (!existsSync(file)) {
      throw new Error(`${file} is missing: run \`pnpm exec tsc -b && pnpm --filter @pigeon/ui build\` first.`);
    }
  }

  const dataDir = mkdtempSync(path.join(tmpdir(), 'pigeon-ui-e2e-'));
  // The embedded database runs as the postgres OS user, which must reach this directory.
  chmodSync(dataDir, 0o755);
  const [port, dbPort, issuerPort, receiverPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);

  const child: ChildProcess = spawn(process.execPath, [serverMain, 'dev'], {
    cwd: workspace,
    env: {
      ...process.env,
      ...env,
      PIGEON_DATA_DIR: path.join(dataDir, 'data'),
      PIGEON_DEV_PORT: String(port),
      PIGEON_DEV_DB_PORT: String(dbPort),
      PIGEON_DEV_ISSUER_PORT: String(issuerPort),
      PIGEON_DEV_RECEIVER_PORT: String(receiverPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // SIGINT lets `pigeon dev` stop its embedded database cleanly.
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 60_000;
  while (!/^Web console: /m.test(text)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`pigeon dev did not print the console URL:\n${text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return { baseUrl: `http://127.0.0.1:${port}`, output: () => text, stop };
}
