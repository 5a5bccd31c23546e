// The bench's PostgreSQL databases: each run drops and recreates its own.
import pg from 'pg';

/** Connection URL of `database` on the server of `adminUrl`. */
export function databaseUrl(adminUrl, database) {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;

  return url.toString();
}

/** Rejects URLs whose host is not 127.0.0.1 or localhost, since the bench stays on this machine. */
export function assertLocalDatabase(adminUrl) {
  const { hostname } = new URL(adminUrl);
  if (hostname !== '127.0.0.1' && hostname !== 'localhost') {
    throw new Error(`the admin database URL must point at 127.0.0.1, got ${hostname}`);
  }
}

/** Drops `database` (closing its connections) and creates it again, empty. */
export async function recreateDatabase(adminUrl, database) {
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) {
    throw new Error(`invalid database name ${JSON.stringify(database)}: use lowercase letters, digits and underscores`);
  }

  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
}

/** Drops `database` if it exists. */
export async function dropDatabase(adminUrl, database) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/**
 * Facts about the server: its version, `synchronous_commit`, and the PID of the
 * postmaster (the parent of this connection's backend), which the CPU tracker needs.
 */
export async function describeServer(client) {
  const { rows } = await client.query(
    `SELECT pg_backend_pid() AS pid, current_setting('server_version') AS version,
            current_setting('synchronous_commit') AS synchronous_commit`,
  );

  return { backendPid: rows[0].pid, version: rows[0].version, synchronousCommit: rows[0].synchronous_commit };
}
