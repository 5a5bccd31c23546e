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
import { MessageSends } from './message-sends';
import type { DatabaseContext } from './transaction-context';

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
  private readonly sends: MessageSends;

  constructor(private readonly db: DatabaseContext) {
    super();
    this.sends = new MessageSends(db);
  }

  send(request: SendRequest): Promise<SendResult | SendRefusal> {
    return this.sends.send(request);
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
}
