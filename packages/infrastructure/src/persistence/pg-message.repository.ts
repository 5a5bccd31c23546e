import {
  type MessageFilters,
  MessageRepository,
  type MessageStatusFilter,
  type MessageView,
  type Page,
  type PageRequest,
  type SendRefusal,
  type SendRequest,
  type SendResult,
} from '@pigeon/application';
import type { Attempt } from '@pigeon/domain';

import { type AttemptRow, type MessageRow, toAttempt, toMessage } from './mappers';
import type { DatabaseContext } from './transaction-context';
import { WORK_CHANNEL } from './work-notifications';

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

interface SendRow extends Omit<MessageRow, 'id'> {
  app_found: boolean;
  event_type_found: boolean;
  /** Set when this send stored the message. */
  attempts_created: number | null;
  /** Set when an unexpired message holds the key: that message's columns. */
  id: string | null;
}

/**
 * The whole send in one statement, so it costs one round trip and needs no
 * explicit transaction. The idempotency claim takes an expired key over with
 * ON CONFLICT DO UPDATE; an unexpired key makes every later step insert
 * nothing, and the final SELECT returns the message that holds it. A
 * concurrent send with the same key waits on the key's row lock until the
 * other statement ends. Data-modifying CTEs all run; the notification is a
 * plain SELECT, so the final SELECT reads it to make it run. PostgreSQL sends
 * it at commit.
 */
const SEND = `
  WITH checked AS (
    SELECT EXISTS (SELECT 1 FROM applications WHERE id = $2 AND org_id = $8) AS app_found,
           EXISTS (SELECT 1 FROM event_types WHERE id = $3 AND app_id = $2 AND NOT system) AS event_type_found
  ),
  allowed AS (
    SELECT 1 FROM checked WHERE app_found AND event_type_found
  ),
  claimed AS (
    INSERT INTO idempotency_keys AS k (app_id, key, message_id, expires_at)
    SELECT $2, $5, $1, $6 FROM allowed
    ON CONFLICT (app_id, key) DO UPDATE SET message_id = EXCLUDED.message_id, expires_at = EXCLUDED.expires_at
    WHERE k.expires_at <= now()
    RETURNING k.message_id
  ),
  inserted AS (
    INSERT INTO messages (id, app_id, event_type_id, payload, idempotency_key, idempotency_expires_at, created_at)
    SELECT $1, $2, $3, $4::json, $5, $6, $7 FROM claimed
    RETURNING id
  ),
  fanned_out AS (
    INSERT INTO attempts (id, message_id, endpoint_id, status, next_attempt_at, created_at, attempt_number)
    SELECT gen_random_uuid(), i.id, e.id, 'pending', now(), now(), 1
    FROM inserted i
    JOIN endpoints e ON e.app_id = $2 AND e.enabled
    JOIN endpoint_events ee ON ee.endpoint_id = e.id AND ee.event_type_id = $3
    RETURNING 1
  ),
  counted AS (
    INSERT INTO message_delivery_status (message_id, attempts_created)
    SELECT i.id, (SELECT count(*) FROM fanned_out) FROM inserted i
    RETURNING attempts_created
  ),
  announced AS (
    INSERT INTO event_outbox (id, event_type, payload)
    SELECT gen_random_uuid(), 'message_created',
           jsonb_build_object('message_id', $1::uuid, 'app_id', $2::uuid, 'event_type_id', $3::uuid,
                              'attempts_created', attempts_created)
    FROM counted
  ),
  audited AS (
    INSERT INTO audit_log (command_name, actor, org_id, timestamp, success, error_message)
    SELECT $10, $9, $8, $11, true, NULL FROM allowed
  ),
  notified AS (
    SELECT pg_notify($12, '') FROM counted WHERE attempts_created > 0
  ),
  holder AS (
    SELECT m.id, m.app_id, m.event_type_id, m.payload::text AS payload, m.idempotency_key,
           m.idempotency_expires_at, m.created_at
    FROM idempotency_keys k JOIN messages m ON m.id = k.message_id
    WHERE k.app_id = $2 AND k.key = $5 AND k.expires_at > now() AND NOT EXISTS (SELECT 1 FROM claimed)
  )
  SELECT c.app_found, c.event_type_found,
         (SELECT attempts_created FROM counted) AS attempts_created,
         (SELECT count(*) FROM notified) AS notified,
         h.*
  FROM checked c
  LEFT JOIN holder h ON true`;

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

  async send(request: SendRequest): Promise<SendResult | SendRefusal> {
    const { message, audit } = request;
    const rows = await this.db.query<SendRow>(SEND, [
      message.id,
      message.appId,
      message.eventTypeId,
      message.payload,
      message.idempotencyKey,
      message.idempotencyExpiresAt,
      message.createdAt,
      request.orgId,
      audit.actor,
      audit.commandName,
      audit.timestamp,
      WORK_CHANNEL,
    ]);
    const row = rows[0];
    if (row === undefined || !row.app_found) {
      return 'application_not_found';
    }
    if (!row.event_type_found) {
      return 'event_type_not_found';
    }
    if (row.attempts_created !== null) {
      return { message, attemptsCreated: row.attempts_created, duplicate: false };
    }
    if (row.id !== null) {
      return { message: toMessage(row as MessageRow), attemptsCreated: 0, duplicate: true };
    }

    // The key's holder committed after this statement took its snapshot, so
    // the statement could not read it; a fresh statement can.
    return this.existingForKey(message.appId, message.idempotencyKey);
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
