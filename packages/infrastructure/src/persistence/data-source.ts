import { DataSource } from 'typeorm';

import { ENTITIES } from './entities';
import { InitialSchema1764806400000 } from './migrations/1764806400000-initial-schema';
import { StatsIndexes1796421443759 } from './migrations/1796421443759-stats-indexes';
import { OutboxErrorsAndClaimByKind1796424000000 } from './migrations/1796424000000-outbox-errors-and-claim-by-kind';

export const MIGRATIONS = [InitialSchema1764806400000, StatsIndexes1796421443759, OutboxErrorsAndClaimByKind1796424000000];

export interface DatabaseOptions {
  readonly url: string;
  readonly poolSize: number;
  readonly applicationName: string;
}

/** Creates (but does not connect) the TypeORM data source. Schema changes come only from migrations. */
export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'pigeon_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: {
      max: options.poolSize,
      application_name: options.applicationName,
      // Stats buckets and timestamps are computed in UTC whatever the server's default.
      options: '-c timezone=UTC',
    },
  });
}

/** Applies pending migrations and returns the names of the ones it ran. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });

  return applied.map((migration) => migration.name);
}
