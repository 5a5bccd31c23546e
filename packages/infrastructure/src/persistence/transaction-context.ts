import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';

import { TransactionRunner } from '@pigeon/application';
import type { Pool, PoolClient, QueryResult } from 'pg';
import type { DataSource } from 'typeorm';

import { translateDatabaseError } from './pg-errors';

interface Transaction {
  readonly client: PoolClient;
  /** Tables whose change listeners run after the commit. */
  readonly changedTables: Set<string>;
}

/** Tries of a statement that PostgreSQL keeps choosing as a deadlock victim. */
const MAX_DEADLOCK_TRIES = 3;

/** Most distinct statements prepared per connection; dynamic list queries past it run unprepared. */
const MAX_PREPARED_STATEMENTS = 500;

/**
 * Runs the repositories' SQL on the pool of the TypeORM data source, and gives
 * them the connection of the transaction they run in, if any. The transaction
 * travels in AsyncLocalStorage so ports stay free of database types.
 *
 * Every statement runs as a named prepared statement, so PostgreSQL parses
 * each SQL text once per connection and can reuse its plan. TypeORM itself
 * only applies migrations: its query runner added a pool checkout and
 * bookkeeping to every statement.
 */
export class DatabaseContext {
  private readonly storage = new AsyncLocalStorage<Transaction>();
  private readonly statementNames = new Map<string, string>();
  private readonly changeListeners = new Map<string, Set<() => void>>();

  constructor(readonly dataSource: DataSource) {}

  inTransaction(): boolean {
    return this.storage.getStore() !== undefined;
  }

  /** Calls `listener` after each committed write that reported a change of `table` through `changed`. */
  onChange(table: string, listener: () => void): void {
    const listeners = this.changeListeners.get(table) ?? new Set();
    listeners.add(listener);
    this.changeListeners.set(table, listeners);
  }

  /**
   * Reports a write to `table`; its listeners run once the surrounding
   * transaction commits, or at once outside a transaction. Caches of this
   * process use it to drop rows that other requests changed.
   */
  changed(table: string): void {
    const transaction = this.storage.getStore();
    if (transaction === undefined) {
      this.notifyChange(table);
    } else {
      transaction.changedTables.add(table);
    }
  }

  private notifyChange(table: string): void {
    this.changeListeners.get(table)?.forEach((listener) => listener());
  }

  /** Runs SQL and returns its rows (RETURNING rows for writes); known client-caused errors become coded errors. */
  async query<T>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    const result = await this.raw(sql, parameters);

    return result.rows as T[];
  }

  /** Runs an UPDATE or DELETE and returns the number of rows it changed. */
  async execute(sql: string, parameters: unknown[] = []): Promise<number> {
    const result = await this.raw(sql, parameters);

    return result.rowCount ?? 0;
  }

  async runInTransaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.inTransaction()) {
      return work();
    }

    const client = await this.pool().connect();
    const transaction: Transaction = { client, changedTables: new Set() };
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await this.storage.run(transaction, work);
      await client.query('COMMIT');
      transaction.changedTables.forEach((table) => this.notifyChange(table));

      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        // The connection is unusable; the pool must not hand it out again.
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      }
      throw translateDatabaseError(error);
    } finally {
      client.release(broken);
    }
  }

  private async raw(sql: string, parameters: unknown[]): Promise<QueryResult> {
    const statement = { name: this.statementName(sql), text: sql, values: parameters };
    const client = this.storage.getStore()?.client;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await (client === undefined ? this.pool().query(statement) : client.query(statement));
      } catch (error) {
        // A statement of its own that lost a deadlock was rolled back whole,
        // so running it again is safe. Inside a transaction only the caller
        // could start over.
        if (client === undefined && isDeadlock(error) && attempt < MAX_DEADLOCK_TRIES) {
          continue;
        }
        throw translateDatabaseError(error);
      }
    }
  }

  private statementName(sql: string): string | undefined {
    let name = this.statementNames.get(sql);
    if (name === undefined && this.statementNames.size < MAX_PREPARED_STATEMENTS) {
      name = `pigeon_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
      this.statementNames.set(sql, name);
    }

    return name;
  }

  private pool(): Pool {
    // TypeORM's postgres driver keeps its pg pool as `master` once initialized.
    const pool = (this.dataSource.driver as unknown as { master?: Pool }).master;
    if (pool === undefined) {
      throw new Error('the database is not connected');
    }

    return pool;
  }
}

function isDeadlock(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '40P01';
}

export class PgTransactionRunner extends TransactionRunner {
  constructor(private readonly context: DatabaseContext) {
    super();
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    return this.context.runInTransaction(work);
  }
}
