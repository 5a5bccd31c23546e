import { type OutboxRecord, type OutboxRecordHandler, OutboxStore } from '@pigeon/application';

import type { DatabaseContext } from './transaction-context';

interface OutboxRow {
  id: string;
  event_type: string;
  payload: unknown;
  created_at: Date;
}

/**
 * The event outbox on PostgreSQL. Writers insert into `event_outbox` in the
 * transaction of their change. This store claims unprocessed rows with
 * `FOR UPDATE SKIP LOCKED`, so concurrent processors take disjoint batches,
 * and marks them processed in the claiming transaction.
 */
export class PgOutboxStore extends OutboxStore {
  constructor(private readonly db: DatabaseContext) {
    super();
  }

  processBatch(limit: number, handle: OutboxRecordHandler): Promise<number> {
    return this.db.runInTransaction(async () => {
      const rows = await this.db.query<OutboxRow>(
        `SELECT id, event_type, payload, created_at FROM event_outbox
         WHERE processed_at IS NULL
         ORDER BY created_at
         LIMIT $1
         FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (rows.length === 0) {
        return 0;
      }

      const ids: string[] = [];
      const notes: (string | null)[] = [];
      for (const row of rows) {
        const record: OutboxRecord = { id: row.id, eventType: row.event_type, payload: row.payload, createdAt: row.created_at };
        ids.push(row.id);
        notes.push(await handle(record));
      }

      await this.db.query(
        `UPDATE event_outbox o SET processed_at = now(), error = handled.error
         FROM unnest($1::uuid[], $2::text[]) AS handled (id, error)
         WHERE o.id = handled.id`,
        [ids, notes],
      );

      return rows.length;
    });
  }
}
