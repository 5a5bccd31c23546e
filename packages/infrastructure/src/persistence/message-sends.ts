import type { SendRefusal, SendRequest, SendResult } from '@pigeon/application';
import { isPigeonError } from '@pigeon/domain';

import { toMessage } from './mappers';
import type { DatabaseContext } from './transaction-context';
import { WORK_CHANNEL } from './work-notifications';
import { WriteBatcher } from './write-batcher';

/** Columns the send statements return per message. */
interface SendRow {
  app_found: boolean;
  event_type_found: boolean;
  /** Set when this send stored the message. */
  attempts_created: number | null;
  /** Set when an unexpired message already has the key: that message's columns. */
  holder_id: string | null;
  holder_app_id: string;
  holder_event_type_id: string;
  holder_payload: string;
  holder_key: string;
  holder_expires_at: Date;
  holder_created_at: Date;
}

type SendOutcome = { readonly row: SendRow } | { readonly error: unknown };

/** Most messages one statement stores. */
const MAX_MESSAGES_PER_STATEMENT = 64;
/** Send statements of this process running at once. */
const MAX_CONCURRENT_STATEMENTS = 2;

const HOLDER_COLUMNS = `
  m.id AS holder_id, m.app_id AS holder_app_id, m.event_type_id AS holder_event_type_id,
  m.payload::text AS holder_payload, m.idempotency_key AS holder_key,
  m.idempotency_expires_at AS holder_expires_at, m.created_at AS holder_created_at`;

/**
 * One or more sends in one statement, so they cost one round trip and need
 * no explicit transaction. Arrays come in and one row per message comes out,
 * in input order. The idempotency claim takes an expired key over with
 * ON CONFLICT DO UPDATE. An unexpired key makes every later step insert
 * nothing for that message, and the final SELECT returns the message that
 * has the key. A concurrent send with the same key waits on the key's row
 * lock until the other statement ends. Keys are claimed in key order, so two
 * such statements wait on each other without deadlocking. The batcher keeps
 * equal keys apart, because ON CONFLICT DO UPDATE may not touch one row twice
 * in a statement. Data-modifying CTEs all run, but the notification is a
 * plain SELECT, so the final SELECT reads it to make it run. PostgreSQL sends
 * it at commit.
 */
const SEND = `
  WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[],
                         $7::timestamptz[], $8::uuid[], $9::text[], $10::text[], $11::timestamptz[])
      WITH ORDINALITY AS i (id, app_id, event_type_id, payload, key, expires_at, created_at, org_id, actor,
                            command_name, audited_at, ord)
  ),
  checked AS (
    SELECT i.*,
           EXISTS (SELECT 1 FROM applications a WHERE a.id = i.app_id AND a.org_id = i.org_id) AS app_found,
           EXISTS (SELECT 1 FROM event_types t WHERE t.id = i.event_type_id AND t.app_id = i.app_id AND NOT t.system)
             AS event_type_found
    FROM input i
  ),
  allowed AS (
    SELECT * FROM checked WHERE app_found AND event_type_found
  ),
  claimed AS (
    INSERT INTO idempotency_keys AS k (app_id, key, message_id, expires_at)
    SELECT app_id, key, id, expires_at FROM allowed ORDER BY app_id, key
    ON CONFLICT (app_id, key) DO UPDATE SET message_id = EXCLUDED.message_id, expires_at = EXCLUDED.expires_at
    WHERE k.expires_at <= now()
    RETURNING k.message_id
  ),
  inserted AS (
    INSERT INTO messages (id, app_id, event_type_id, payload, idempotency_key, idempotency_expires_at, created_at)
    SELECT a.id, a.app_id, a.event_type_id, a.payload::json, a.key, a.expires_at, a.created_at
    FROM allowed a JOIN claimed c ON c.message_id = a.id
    ORDER BY a.ord
    RETURNING id, app_id, event_type_id
  ),
  fanned_out AS (
    INSERT INTO attempts (id, message_id, endpoint_id, status, next_attempt_at, created_at, attempt_number)
    SELECT gen_random_uuid(), i.id, e.id, 'pending', now(), now(), 1
    FROM inserted i
    JOIN endpoints e ON e.app_id = i.app_id AND e.enabled
    JOIN endpoint_events ee ON ee.endpoint_id = e.id AND ee.event_type_id = i.event_type_id
    RETURNING message_id
  ),
  counted AS (
    INSERT INTO message_delivery_status (message_id, attempts_created)
    SELECT i.id, coalesce(f.attempts, 0)
    FROM inserted i
    LEFT JOIN (SELECT message_id, count(*) AS attempts FROM fanned_out GROUP BY message_id) f ON f.message_id = i.id
    RETURNING message_id, attempts_created
  ),
  announced AS (
    INSERT INTO event_outbox (id, event_type, payload)
    SELECT gen_random_uuid(), 'message_created',
           jsonb_build_object('message_id', i.id, 'app_id', i.app_id, 'event_type_id', i.event_type_id,
                              'attempts_created', c.attempts_created)
    FROM counted c JOIN inserted i ON i.id = c.message_id
  ),
  audited AS (
    INSERT INTO audit_log (command_name, actor, org_id, timestamp, success, error_message)
    SELECT command_name, actor, org_id, audited_at, true, NULL FROM allowed ORDER BY ord
  ),
  notified AS (
    SELECT pg_notify($12, '') WHERE EXISTS (SELECT 1 FROM counted WHERE attempts_created > 0)
  ),
  holder AS (
    SELECT a.ord, ${HOLDER_COLUMNS}
    FROM allowed a
    JOIN idempotency_keys k ON k.app_id = a.app_id AND k.key = a.key AND k.expires_at > now()
    JOIN messages m ON m.id = k.message_id
    WHERE NOT EXISTS (SELECT 1 FROM claimed c WHERE c.message_id = a.id)
  )
  SELECT c.ord, c.app_found, c.event_type_found, cnt.attempts_created,
         (SELECT count(*) FROM notified) AS notified,
         h.holder_id, h.holder_app_id, h.holder_event_type_id, h.holder_payload, h.holder_key,
         h.holder_expires_at, h.holder_created_at
  FROM checked c
  LEFT JOIN counted cnt ON cnt.message_id = c.id
  LEFT JOIN holder h ON h.ord = c.ord
  ORDER BY c.ord`;

/**
 * Stores sends with group commit: sends that arrive while a statement runs
 * go together in the next one, so under load many share a round trip and a
 * commit, and a lone send goes out at once. When a shared statement fails
 * on data, each of its sends runs alone, so one bad message fails only its
 * own request.
 */
export class MessageSends {
  private readonly batcher = new WriteBatcher<SendRequest, SendOutcome>((requests) => this.sendMany(requests), {
    maxBatch: MAX_MESSAGES_PER_STATEMENT,
    maxConcurrentWrites: MAX_CONCURRENT_STATEMENTS,
    key: (request) => `${request.message.appId}\n${request.message.idempotencyKey}`,
  });

  constructor(private readonly db: DatabaseContext) {}

  async send(request: SendRequest): Promise<SendResult | SendRefusal> {
    // Inside a caller's transaction the send must be part of it, not of a shared statement.
    const outcome = this.db.inTransaction() ? await this.sendAlone(request) : await this.batcher.add(request);
    if ('error' in outcome) {
      throw outcome.error;
    }

    return this.result(request, outcome.row);
  }

  private async sendMany(requests: SendRequest[]): Promise<SendOutcome[]> {
    if (requests.length === 1) {
      return [await this.sendAlone(requests[0]!)];
    }

    try {
      return (await this.runSend(requests)).map((row) => ({ row }));
    } catch (error) {
      if (!causedByData(error)) {
        throw error;
      }

      return Promise.all(requests.map((request) => this.sendAlone(request)));
    }
  }

  private async sendAlone(request: SendRequest): Promise<SendOutcome> {
    try {
      const [row] = await this.runSend([request]);

      return row === undefined ? { error: new Error('the send statement returned no row') } : { row };
    } catch (error) {
      return { error };
    }
  }

  private runSend(requests: readonly SendRequest[]): Promise<SendRow[]> {
    return this.db.query<SendRow>(SEND, [
      requests.map((request) => request.message.id),
      requests.map((request) => request.message.appId),
      requests.map((request) => request.message.eventTypeId),
      requests.map((request) => request.message.payload),
      requests.map((request) => request.message.idempotencyKey),
      requests.map((request) => request.message.idempotencyExpiresAt),
      requests.map((request) => request.message.createdAt),
      requests.map((request) => request.orgId),
      requests.map((request) => request.audit.actor),
      requests.map((request) => request.audit.commandName),
      requests.map((request) => request.audit.timestamp),
      WORK_CHANNEL,
    ]);
  }

  private async result(request: SendRequest, row: SendRow): Promise<SendResult | SendRefusal> {
    const { message } = request;
    if (!row.app_found) {
      return 'application_not_found';
    }
    if (!row.event_type_found) {
      return 'event_type_not_found';
    }
    if (row.attempts_created !== null) {
      return { message, attemptsCreated: row.attempts_created, duplicate: false };
    }
    if (row.holder_id !== null) {
      return { message: toMessage(holderRow(row, row.holder_id)), attemptsCreated: 0, duplicate: true };
    }

    // The key's holder committed after the statement took its snapshot, so
    // the statement could not read it; a fresh statement can.
    return this.existingForKey(message.appId, message.idempotencyKey);
  }

  private async existingForKey(appId: string, key: string): Promise<SendResult> {
    const rows = await this.db.query<SendRow>(
      `SELECT ${HOLDER_COLUMNS}
       FROM idempotency_keys k JOIN messages m ON m.id = k.message_id
       WHERE k.app_id = $1 AND k.key = $2`,
      [appId, key],
    );
    const row = rows[0];
    if (row?.holder_id == null) {
      // The key's holder was deleted between our insert and this read (its
      // application or message went away); the client can simply send again.
      throw new Error('idempotency key holder vanished during send');
    }

    return { message: toMessage(holderRow(row, row.holder_id)), attemptsCreated: 0, duplicate: true };
  }
}

/**
 * Tells whether a failed statement may have failed for one message's content
 * or a row that went away (data exception or integrity violation), rather
 * than for a fault that would fail every message alike.
 */
function causedByData(error: unknown): boolean {
  if (isPigeonError(error)) {
    return true;
  }
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;

  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

function holderRow(row: SendRow, id: string) {
  return {
    id,
    app_id: row.holder_app_id,
    event_type_id: row.holder_event_type_id,
    payload: row.holder_payload,
    idempotency_key: row.holder_key,
    idempotency_expires_at: row.holder_expires_at,
    created_at: row.holder_created_at,
  };
}
