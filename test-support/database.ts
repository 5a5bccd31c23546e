import { randomBytes } from 'node:crypto';

import { Client } from 'pg';

/** A database of its own for one test file, on the server global-setup.mjs provides. */
export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.PIGEON_TEST_DATABASE_URL;
  if (adminUrl === undefined) {
    throw new Error('PIGEON_TEST_DATABASE_URL is not set: run tests through Jest so global-setup.mjs provides a server');
  }

  const name = `pigeon_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }

  const url = new URL(adminUrl);
  url.pathname = `/${name}`;

  return {
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
