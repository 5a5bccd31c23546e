import { RetentionStore } from '@pigeon/application';

import type { DatabaseContext } from './transaction-context';

export class PgRetentionStore extends RetentionStore {
  constructor(private readonly db: DatabaseContext) {
    super();
  }

  deleteExpiredIdempotencyKeys(limit: number): Promise<number> {
    return this.db.execute(
      `DELETE FROM idempotency_keys k
       USING (
         SELECT app_id, key FROM idempotency_keys
         WHERE expires_at <= now()
         ORDER BY expires_at
         LIMIT $1
         FOR UPDATE SKIP LOCKED
       ) expired
       WHERE k.app_id = expired.app_id AND k.key = expired.key`,
      [limit],
    );
  }

  deleteMessagesOlderThan(days: number, limit: number): Promise<number> {
    // Cascades to attempts, dead letters, idempotency keys and the status row.
    return this.db.execute(
      `DELETE FROM messages m
       USING (
         SELECT id FROM messages
         WHERE created_at < now() - make_interval(days => $1)
           AND NOT EXISTS (
             SELECT 1 FROM attempts a WHERE a.message_id = messages.id AND a.status IN ('pending', 'in_flight')
           )
         ORDER BY created_at
         LIMIT $2
         FOR UPDATE SKIP LOCKED
       ) old
       WHERE m.id = old.id`,
      [days, limit],
    );
  }

  deleteProcessedEventsOlderThan(days: number, limit: number): Promise<number> {
    return this.db.execute(
      `DELETE FROM event_outbox o
       USING (
         SELECT id FROM event_outbox
         WHERE processed_at < now() - make_interval(days => $1)
         ORDER BY processed_at
         LIMIT $2
         FOR UPDATE SKIP LOCKED
       ) old
       WHERE o.id = old.id`,
      [days, limit],
    );
  }
}
