import {
  AttemptRepository,
  type DeadLetterFilters,
  DeadLetterRepository,
  type Page,
  type PageRequest,
  SigningSecretRepository,
  TestEventRepository,
} from '@pigeon/application';
import {
  type Attempt,
  type DeadLetter,
  type Endpoint,
  type EventType,
  type Message,
  PigeonError,
  TEST_EVENT_TYPE_NAME,
} from '@pigeon/domain';

import { type AttemptRow, type DeadLetterRow, type EventTypeRow, toAttempt, toDeadLetter, toEventType } from './mappers';
import type { DatabaseContext } from './transaction-context';
import { notifyWorkers } from './work-notifications';

const DEAD_LETTER_COLUMNS = `id, message_id, endpoint_id, app_id, last_response_code, last_response_body, last_error,
  dead_lettered_at, replayed_at`;

export class PgDeadLetterRepository extends DeadLetterRepository {
  constructor(private readonly db: DatabaseContext) {
    super();
  }

  async findInApp(appId: string, id: string): Promise<DeadLetter | null> {
    const rows = await this.db.query<DeadLetterRow>(
      `SELECT ${DEAD_LETTER_COLUMNS} FROM dead_letters WHERE id = $1 AND app_id = $2`,
      [id, appId],
    );

    return rows[0] ? toDeadLetter(rows[0]) : null;
  }

  async listInApp(appId: string, request: PageRequest, filters: DeadLetterFilters): Promise<Page<DeadLetter>> {
    const conditions = ['app_id = $1'];
    const parameters: unknown[] = [appId];

    if (filters.endpointId !== null) {
      parameters.push(filters.endpointId);
      conditions.push(`endpoint_id = $${parameters.length}`);
    }
    if (filters.replayed !== null) {
      conditions.push(filters.replayed ? 'replayed_at IS NOT NULL' : 'replayed_at IS NULL');
    }

    const where = conditions.join(' AND ');
    const n = parameters.length;
    const [rows, counts] = await Promise.all([
      this.db.query<DeadLetterRow>(
        `SELECT ${DEAD_LETTER_COLUMNS} FROM dead_letters WHERE ${where}
         ORDER BY dead_lettered_at DESC, id LIMIT $${n + 1} OFFSET $${n + 2}`,
        [...parameters, request.limit, request.offset],
      ),
      this.db.query<{ total: string }>(`SELECT count(*) AS total FROM dead_letters WHERE ${where}`, parameters),
    ]);

    return {
      items: rows.map(toDeadLetter),
      total: Number(counts[0]?.total ?? 0),
      offset: request.offset,
      limit: request.limit,
    };
  }

  async findLatestForAttempt(attemptId: string): Promise<DeadLetter | null> {
    const rows = await this.db.query<DeadLetterRow>(
      `SELECT ${DEAD_LETTER_COLUMNS} FROM dead_letters WHERE attempt_id = $1
       ORDER BY dead_lettered_at DESC, created_at DESC LIMIT 1`,
      [attemptId],
    );

    return rows[0] ? toDeadLetter(rows[0]) : null;
  }

  async replay(appId: string, id: string, replayedAt: Date): Promise<DeadLetter | null> {
    // One statement: the `replayed_at IS NULL` guard takes the row lock, so of
    // two concurrent replays (or a replay and a retry) only one matches the row
    // and only that one queues an attempt.
    const rows = await this.db.query<DeadLetterRow>(
      `WITH replayed AS (
         UPDATE dead_letters SET replayed_at = $3
         WHERE id = $1 AND app_id = $2 AND replayed_at IS NULL
         RETURNING ${DEAD_LETTER_COLUMNS}
       ),
       queued AS (
         INSERT INTO attempts (id, message_id, endpoint_id, status, next_attempt_at, created_at, attempt_number)
         SELECT gen_random_uuid(), message_id, endpoint_id, 'pending', now(), now(), 1 FROM replayed
       ),
       announced AS (
         INSERT INTO event_outbox (id, event_type, payload)
         SELECT gen_random_uuid(), 'dead_letter_replayed',
                jsonb_build_object('dead_letter_id', id, 'message_id', message_id, 'endpoint_id', endpoint_id)
         FROM replayed
       )
       SELECT * FROM replayed`,
      [id, appId, replayedAt],
    );
    if (rows[0] === undefined) {
      return null;
    }

    await notifyWorkers(this.db);

    return toDeadLetter(rows[0]);
  }
}

export class PgAttemptRepository extends AttemptRepository {
  constructor(private readonly db: DatabaseContext) {
    super();
  }

  async findInApp(appId: string, id: string): Promise<Attempt | null> {
    const rows = await this.db.query<AttemptRow>(
      `SELECT a.* FROM attempts a JOIN messages m ON m.id = a.message_id WHERE a.id = $1 AND m.app_id = $2`,
      [id, appId],
    );

    return rows[0] ? toAttempt(rows[0]) : null;
  }

  retry(attempt: Attempt, deadLetterId: string | null, now: Date): Promise<Attempt | null> {
    return this.db.runInTransaction(async () => {
      // Locking the dead letter first orders this retry against a replay of the
      // same dead letter, which updates that row. The later of the two finds
      // `replayed_at` set and returns null without writing.
      if (deadLetterId !== null) {
        const locked = await this.db.query<{ id: string }>(
          `SELECT id FROM dead_letters WHERE id = $1 AND replayed_at IS NULL FOR UPDATE`,
          [deadLetterId],
        );
        if (locked.length === 0) {
          return null;
        }
      }

      // The status guard makes a second concurrent retry match no row. The
      // message leaves `failed` in its projection because the attempt does.
      const rows = await this.db.query<AttemptRow>(
        `WITH retried AS (
           UPDATE attempts SET status = 'pending', attempt_number = 1, next_attempt_at = now(), claim_token = NULL
           WHERE id = $1 AND status = 'failed'
           RETURNING *
         ),
         uncounted AS (
           UPDATE message_delivery_status SET failed = greatest(failed - 1, 0)
           WHERE message_id IN (SELECT message_id FROM retried)
         )
         SELECT * FROM retried`,
        [attempt.id],
      );
      const retried = rows[0];
      if (retried === undefined) {
        return null;
      }

      if (deadLetterId !== null) {
        await this.db.query(`UPDATE dead_letters SET replayed_at = $2 WHERE id = $1`, [deadLetterId, now]);
      }
      await notifyWorkers(this.db);

      return toAttempt(retried);
    });
  }

  addForNewEndpoints(message: Message): Promise<number> {
    return this.db.runInTransaction(async () => {
      // Serialises retriggers of one message. The insert below is a separate
      // statement, so after waiting here it reads the attempts the other retrigger added.
      await this.db.query(`SELECT id FROM messages WHERE id = $1 FOR NO KEY UPDATE`, [message.id]);

      const rows = await this.db.query<{ attempts_created: number }>(
        `WITH added AS (
           INSERT INTO attempts (id, message_id, endpoint_id, status, next_attempt_at, created_at, attempt_number)
           SELECT gen_random_uuid(), $1, e.id, 'pending', now(), now(), 1
           FROM endpoints e
           JOIN endpoint_events ee ON ee.endpoint_id = e.id
           WHERE e.app_id = $2 AND e.enabled AND ee.event_type_id = $3
             AND NOT EXISTS (SELECT 1 FROM attempts a WHERE a.message_id = $1 AND a.endpoint_id = e.id)
           RETURNING 1
         ),
         counted AS (
           INSERT INTO message_delivery_status AS s (message_id, attempts_created)
           SELECT $1, count(*) FROM added HAVING count(*) > 0
           ON CONFLICT (message_id) DO UPDATE SET attempts_created = s.attempts_created + EXCLUDED.attempts_created
         ),
         announced AS (
           INSERT INTO event_outbox (id, event_type, payload)
           SELECT gen_random_uuid(), 'message_retriggered', jsonb_build_object('message_id', $1::uuid, 'attempts_created', count(*))
           FROM added HAVING count(*) > 0
         )
         SELECT count(*)::integer AS attempts_created FROM added`,
        [message.id, message.appId, message.eventTypeId],
      );

      const attemptsCreated = rows[0]?.attempts_created ?? 0;
      if (attemptsCreated > 0) {
        await notifyWorkers(this.db);
      }

      return attemptsCreated;
    });
  }
}

export class PgTestEventRepository extends TestEventRepository {
  constructor(private readonly db: DatabaseContext) {
    super();
  }

  async findTestEventType(appId: string): Promise<EventType | null> {
    const rows = await this.db.query<EventTypeRow>(`SELECT * FROM event_types WHERE app_id = $1 AND system AND name = $2`, [
      appId,
      TEST_EVENT_TYPE_NAME,
    ]);

    return rows[0] ? toEventType(rows[0]) : null;
  }

  send(message: Message, endpointId: string): Promise<boolean> {
    return this.db.runInTransaction(async () => {
      // The key share lock keeps the endpoint from being deleted before the attempt references it.
      const endpoints = await this.db.query<{ id: string }>(
        `SELECT id FROM endpoints WHERE id = $1 AND app_id = $2 FOR KEY SHARE`,
        [endpointId, message.appId],
      );
      if (endpoints.length === 0) {
        return false;
      }

      await this.db.query(`INSERT INTO idempotency_keys (app_id, key, message_id, expires_at) VALUES ($1, $2, $3, $4)`, [
        message.appId,
        message.idempotencyKey,
        message.id,
        message.idempotencyExpiresAt,
      ]);

      // The status row makes the test message's counters track its one delivery like any other message.
      await this.db.query(
        `WITH inserted AS (
           INSERT INTO messages (id, app_id, event_type_id, payload, idempotency_key, idempotency_expires_at, created_at)
           VALUES ($1, $2, $3, $4::json, $5, $6, $7)
         ),
         queued AS (
           INSERT INTO attempts (id, message_id, endpoint_id, status, next_attempt_at, created_at, attempt_number)
           VALUES (gen_random_uuid(), $1, $8, 'pending', now(), now(), 1)
         )
         INSERT INTO message_delivery_status (message_id, attempts_created) VALUES ($1, 1)`,
        [
          message.id,
          message.appId,
          message.eventTypeId,
          message.payload,
          message.idempotencyKey,
          message.idempotencyExpiresAt,
          message.createdAt,
          endpointId,
        ],
      );
      await notifyWorkers(this.db);

      return true;
    });
  }
}

export class PgSigningSecretRepository extends SigningSecretRepository {
  constructor(private readonly db: DatabaseContext) {
    super();
  }

  async replace(endpoint: Endpoint, expectedVersion: number): Promise<void> {
    const affected = await this.db.execute(
      `UPDATE endpoints SET signing_secrets = $1, version = $2 WHERE id = $3 AND app_id = $4 AND version = $5`,
      [endpoint.signingSecrets, endpoint.version, endpoint.id, endpoint.appId, expectedVersion],
    );
    if (affected !== 1) {
      throw PigeonError.versionConflict();
    }
  }
}
