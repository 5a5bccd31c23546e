import { AsyncLocalStorage } from 'node:async_hooks';

import { TransactionRunner } from '@pigeon/application';
import type { DataSource, EntityManager } from 'typeorm';

import { translateDatabaseError } from './pg-errors';

/**
 * Gives repositories the entity manager of the transaction they run in, if any.
 * The transaction travels in AsyncLocalStorage so ports stay free of database types.
 */
export class DatabaseContext {
  private readonly storage = new AsyncLocalStorage<EntityManager>();

  constructor(readonly dataSource: DataSource) {}

  manager(): EntityManager {
    return this.storage.getStore() ?? this.dataSource.manager;
  }

  inTransaction(): boolean {
    return this.storage.getStore() !== undefined;
  }

  /** Runs SQL and returns its rows (RETURNING rows for writes); known client-caused errors become coded errors. */
  async query<T>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    const result = await this.raw(sql, parameters);

    return (isWriteResult(result) ? result[0] : result) as T[];
  }

  /** Runs an UPDATE or DELETE and returns the number of rows it changed. */
  async execute(sql: string, parameters: unknown[] = []): Promise<number> {
    const result = await this.raw(sql, parameters);

    return isWriteResult(result) ? result[1] : 0;
  }

  private async raw(sql: string, parameters: unknown[]): Promise<unknown> {
    try {
      return await this.manager().query(sql, parameters);
    } catch (error) {
      throw translateDatabaseError(error);
    }
  }

  runInTransaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.inTransaction()) {
      return work();
    }

    return this.dataSource.transaction((manager) => this.storage.run(manager, work));
  }
}

/** TypeORM's postgres driver returns UPDATE and DELETE results as `[rows, affectedCount]` instead of rows. */
function isWriteResult(result: unknown): result is [unknown[], number] {
  return Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number';
}

export class PgTransactionRunner extends TransactionRunner {
  constructor(private readonly context: DatabaseContext) {
    super();
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    return this.context.runInTransaction(work);
  }
}
