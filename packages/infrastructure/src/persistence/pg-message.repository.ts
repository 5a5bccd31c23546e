import {
  type MessageFilters,
  MessageRepository,
  type MessageStatusFilter,
  type MessageView,
  type Page,
  type PageRequest,
  type SendResult,
} from '@pigeon/application';
import type { Attempt, Message } from '@pigeon/domain';

import { type AttemptRow, type MessageRow, toAttempt, toMessage } from './mappers';
import type { DatabaseContext } from './transaction-context';
import { notifyWorkers } from './work-notifications';

interface MessageViewRow extends MessageRow {
  attempts_created: number;
  succeeded: number;
  failed: number;
  dead_lettered: number;
}

// `payload::text` returns the stored JSON text untouched; selecting the json
// column itself would make the driver parse it and lose big integers.
const MESSAGE_VIEW = `
  SELECT m.id, m.app_id, m.event_type_id, m.payload::text AS payload, m.idempotency_key,
         m.idempotency_expires_at, m.created_at,
         coalesce(s.attempts_created, 0) AS attempts_created, coalesce(s.succeeded, 0) AS succeeded,
         coalesce(s.failed, 0) AS failed, coalesce(s.dead_lettered, 0) AS dead_lettered
  FROM messages m
  LEFT JOIN message_delivery_status s ON s.message_id = m.id`;

/** SQL conditions of the list's status filter, on the projection columns. */
const STATUS_CONDITIONS: Readonly<Record<MessageStatusFilter, string>> = {
  delivered: `s.attempts_created > 0 AND s.succeeded >= s.attempts_created`,
  pending: `s.attempts_created > 0 AND s.succeeded < s.attempts_created AND s.dead_lettered = 0 AND s.failed = 0`,
  failed: `s.failed > 0 AND s.succeeded = 0`,
  dead_lettered: `s.dead_lettered > 0 AND s.succeeded = 0`,
  no_endpoints: `coalesce(s.attempts_created, 0) = 0`,
};

function toView(row: MessageViewRow): MessageView {
  return {
    message: toMessage(row),
    attemptsCreated: row.attempts_created,
    succeeded: row.succeeded,
    failed: row.failed,
    deadLettered: row.dead_lettered,
  };
}

export class PgMessageRepository extends MessageRepository {
  constructor(private readonly db: DatabaseContext) {
    super();
  }

  send(message: Message): Promise<SendResult> {
    return this.db.runInTransaction(async () => {
      // An expired key no longer deduplicates: drop its claim so the insert below can take it.
      await this.db.query(`DELETE FROM idempotency_keys WHERE app_id = $1 AND key = $2 AND expires_at <= now()`, [
        message.appId,
        message.idempotencyKey,
      ]);

      // A concurrent send with the same key waits here on the primary key until
      // the other transaction ends, then either reads its row or takes the key.
      const claimed = await this.db.query<{ message_id: string }>(
        `INSERT INTO idempotency_keys (app_id, key, message_id, expires_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING RETURNING message_id`,
        [message.appId, message.idempotencyKey, message.id, message.idempotencyExpiresAt],
      );

      if (claimed.length === 0) {
        return this.existingForKey(message.appId, message.idempotencyKey);
      }

      const rows = await this.db.query<{ attempts_created: number }>(
        `WITH inserted AS (
           INSERT INTO messages (id, app_id, event_type_id, payload, idempotency_key, idempotency_expires_at, created_at)
           VALUES ($1, $2, $3, $4::json, $5, $6, $7)
         ),
         fanned_out AS (
           INSERT INTO attempts (id, message_id, endpoint_id, status, next_attempt_at, created_at, attempt_number)
           SELECT gen_random_uuid(), $1, e.id, 'pending', now(), now(), 1
           FROM endpoints e
           JOIN endpoint_events ee ON ee.endpoint_id = e.id
           WHERE e.app_id = $2 AND e.enabled AND ee.event_type_id = $3
           RETURNING 1
         ),
         counted AS (
           INSERT INTO message_delivery_status (message_id, attempts_created)
           SELECT $1, count(*) FROM fanned_out
           RETURNING attempts_created
         ),
         announced AS (
           INSERT INTO event_outbox (id, event_type, payload)
           SELECT gen_random_uuid(), 'message_created',
                  jsonb_build_object('message_id', $1::uuid, 'app_id', $2::uuid, 'event_type_id', $3::uuid,
                                     'attempts_created', attempts_created)
           FROM counted
         )
         SELECT attempts_created FROM counted`,
        [
          message.id,
          message.appId,
          message.eventTypeId,
          message.payload,
          message.idempotencyKey,
          message.idempotencyExpiresAt,
          message.createdAt,
        ],
      );

      const attemptsCreated = rows[0]?.attempts_created ?? 0;
      if (attemptsCreated > 0) {
        await notifyWorkers(this.db);
      }

      return { message, attemptsCreated, duplicate: false };
    });
  }

  async findInApp(appId: string, id: string): Promise<MessageView | null> {
    const rows = await this.db.query<MessageViewRow>(`${MESSAGE_VIEW} WHERE m.id = $1 AND m.app_id = $2`, [id, appId]);

    return rows[0] ? toView(rows[0]) : null;
  }

  async listInApp(appId: string, request: PageRequest, filters: MessageFilters): Promise<Page<MessageView>> {
    const conditions = ['m.app_id = $1'];
    const parameters: unknown[] = [appId];

    if (filters.eventTypeId !== null) {
      parameters.push(filters.eventTypeId);
      conditions.push(`m.event_type_id = $${parameters.length}`);
    }
    if (filters.status !== null) {
      conditions.push(STATUS_CONDITIONS[filters.status]);
    }

    const where = conditions.join(' AND ');
    const n = parameters.length;
    const [rows, counts] = await Promise.all([
      this.db.query<MessageViewRow>(
        `${MESSAGE_VIEW} WHERE ${where} ORDER BY m.created_at DESC, m.id LIMIT $${n + 1} OFFSET $${n + 2}`,
        [...parameters, request.limit, request.offset],
      ),
      this.db.query<{ total: string }>(
        `SELECT count(*) AS total FROM messages m LEFT JOIN message_delivery_status s ON s.message_id = m.id WHERE ${where}`,
        parameters,
      ),
    ]);

    return { items: rows.map(toView), total: Number(counts[0]?.total ?? 0), offset: request.offset, limit: request.limit };
  }

  async listAttempts(appId: string, messageId: string): Promise<Attempt[]> {
    const rows = await this.db.query<AttemptRow>(
      `SELECT a.* FROM attempts a JOIN messages m ON m.id = a.message_id
       WHERE a.message_id = $1 AND m.app_id = $2
       ORDER BY a.attempt_number, a.created_at, a.id`,
      [messageId, appId],
    );

    return rows.map(toAttempt);
  }

  private async existingForKey(appId: string, key: string): Promise<SendResult> {
    const rows = await this.db.query<MessageRow>(
      `SELECT m.id, m.app_id, m.event_type_id, m.payload::text AS payload, m.idempotency_key,
              m.idempotency_expires_at, m.created_at
       FROM idempotency_keys k JOIN messages m ON m.id = k.message_id
       WHERE k.app_id = $1 AND k.key = $2`,
      [appId, key],
    );
    const row = rows[0];
    if (row === undefined) {
      // The key's holder was deleted between our insert and this read (its
      // application or message went away); the client can simply send again.
      throw new Error('idempotency key holder vanished during send');
    }

    return { message: toMessage(row), attemptsCreated: 0, duplicate: true };
  }
}
