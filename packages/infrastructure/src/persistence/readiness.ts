import type { DatabaseContext } from './transaction-context';

/** Returns whether the database answers a trivial query. */
export async function databaseIsReady(db: DatabaseContext): Promise<boolean> {
  try {
    await db.dataSource.query('SELECT 1');

    return true;
  } catch {
    return false;
  }
}
