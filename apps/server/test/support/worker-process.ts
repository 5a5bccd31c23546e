import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

import { freePort } from '../../../../test-support/free-port';

const workspace = path.resolve(__dirname, '../../../..');
const main = path.join(workspace, 'apps/server/dist/main.js');

/** A `pigeon worker` child process, so tests can kill it like an operator or a crash would. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly output: () => string;
  /** Resolves with the exit code once the process ends. */
  readonly exited: Promise<number | null>;
}

export async function startWorkerProcess(databaseUrl: string, env: Record<string, string> = {}): Promise<WorkerProcess> {
  if (!existsSync(main)) {
    execFileSync(path.join(workspace, 'node_modules/.bin/tsc'), ['-b', 'apps/server'], { cwd: workspace });
  }

  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, [main, 'worker'], {
    cwd: workspace,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PIGEON_LISTEN_ADDR: `127.0.0.1:${port}`,
      PIGEON_WORKER_ALLOW_PRIVATE_NETWORKS: 'true',
      PIGEON_WORKER_POLL_INTERVAL_MS: '50',
      PIGEON_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  // Ready once its probe server answers.
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) {
      break;
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`pigeon worker did not become ready:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return { child, output: () => output, exited };
}
