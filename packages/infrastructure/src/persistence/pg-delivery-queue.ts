import { type ClaimRequest, type DeliveryResult, DeliveryQueue, type DeliveryTask } from '@pigeon/application';

import type { DatabaseContext } from './transaction-context';
import { WORK_CHANNEL } from './work-notifications';
import { WriteBatcher } from './write-batcher';

interface ClaimRow {
  id: string;
  claim_token: string;
  message_id: string;
  endpoint_id: string;
  app_id: string;
  org_id: string;
  attempt_number: number;
  url: string;
  signing_secrets: string[];
  event_type_name: string;
  payload: string;
}

// One upsert serves every outcome: $2 is 'succeeded' or 'failed'.
const SUMMARY_UPSERT = `
  INSERT INTO endpoint_delivery_summary AS s
    (endpoint_id, last_delivery_at, last_status, total_success, total_failure, consecutive_failures)
  SELECT endpoint_id, now(), $2::text,
         CASE WHEN $2::text = 'succeeded' THEN 1 ELSE 0 END,
         CASE WHEN $2::text = 'succeeded' THEN 0 ELSE 1 END,
         CASE WHEN $2::text = 'succeeded' THEN 0 ELSE 1 END
  FROM recorded
  ON CONFLICT (endpoint_id) DO UPDATE SET
    last_delivery_at = now(),
    last_status = EXCLUDED.last_status,
    total_success = s.total_success + EXCLUDED.total_success,
    total_failure = s.total_failure + EXCLUDED.total_failure,
    consecutive_failures = CASE WHEN EXCLUDED.last_status = 'succeeded' THEN 0 ELSE s.consecutive_failures + 1 END`;

interface Outcome {
  readonly task: DeliveryTask;
  readonly result: DeliveryResult;
}

/**
 * Records many successes in one statement. Rows of the projections are locked
 * in key order, so two such statements from different workers wait on each
 * other instead of deadlocking. A statement that still loses a deadlock
 * (against a single-row outcome write) is run again by DatabaseContext. Each
 * success still gets its own outbox event.
 */
const RECORD_SUCCESSES = `
  WITH outcome AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::integer[], $4::text[], $5::bigint[])
      AS o (id, claim_token, response_code, response_body, duration_ms)
  ),
  recorded AS (
    UPDATE attempts a SET status = 'succeeded', response_code = o.response_code, response_body = o.response_body,
           error = NULL, duration_ms = o.duration_ms, attempted_at = now(), next_attempt_at = NULL, claim_token = NULL
    FROM outcome o
    WHERE a.id = o.id AND a.claim_token = o.claim_token
    RETURNING a.id, a.message_id, a.endpoint_id, a.response_code, a.duration_ms
  ),
  per_message AS (
    SELECT message_id, count(*) AS succeeded FROM recorded GROUP BY message_id
  ),
  locked AS (
    SELECT s.message_id FROM message_delivery_status s
    WHERE s.message_id IN (SELECT message_id FROM per_message)
    ORDER BY s.message_id
    FOR UPDATE
  ),
  counted AS (
    UPDATE message_delivery_status s SET succeeded = s.succeeded + p.succeeded
    FROM per_message p
    WHERE s.message_id = p.message_id AND s.message_id IN (SELECT message_id FROM locked)
  ),
  announced AS (
    INSERT INTO event_outbox (id, event_type, payload)
    SELECT gen_random_uuid(), 'attempt_succeeded',
           jsonb_build_object('attempt_id', id, 'message_id', message_id, 'endpoint_id', endpoint_id,
                              'response_code', response_code, 'duration_ms', duration_ms)
    FROM recorded
  )
  INSERT INTO endpoint_delivery_summary AS s
    (endpoint_id, last_delivery_at, last_status, total_success, total_failure, consecutive_failures)
  SELECT endpoint_id, now(), 'succeeded', count(*), 0, 0
  FROM recorded
  GROUP BY endpoint_id
  ORDER BY endpoint_id
  ON CONFLICT (endpoint_id) DO UPDATE SET
    last_delivery_at = now(),
    last_status = 'succeeded',
    total_success = s.total_success + EXCLUDED.total_success,
    consecutive_failures = 0`;

/**
 * The attempt queue on PostgreSQL. A claim flips due attempts to `in_flight`
 * under `FOR UPDATE SKIP LOCKED`, so concurrent workers take disjoint rows, and
 * sets `next_attempt_at` to the lease expiry: an attempt whose worker died
 * becomes due again then. Outcomes are written only while the claim token still
 * matches, so a worker whose lease expired cannot overwrite a newer claim, and
 * each outcome updates the attempt and its projections and writes its outbox
 * events in one statement. Successes, the common outcome, share statements:
 * those that finish while one is written go together in the next.
 */
export class PgDeliveryQueue extends DeliveryQueue {
  // One statement at a time, so the rows it locks never wait on another
  // success write of this process. Under load each statement carries every
  // success that arrived while the previous one ran.
  private readonly successes = new WriteBatcher<Outcome>((outcomes) => this.writeSuccesses(outcomes), {
    maxBatch: 1000,
    maxConcurrentWrites: 1,
  });

  constructor(private readonly db: DatabaseContext) {
    super();
  }

  async claim(request: ClaimRequest): Promise<DeliveryTask[]> {
    const busyIds = [...request.endpointsInFlight.keys()];
    const busyCounts = busyIds.map((id) => request.endpointsInFlight.get(id) ?? 0);

    // First tries and retries are read in separate branches, each oldest first.
    // A backlog of overdue retries sorts before every new message by age, so a
    // single branch would starve new messages until the backlog drained. Each
    // branch locks a few more candidates than needed. Per endpoint, the free
    // slots go to the two kinds in turn, and the batch then takes up to half of
    // its rows from each kind, filling the rest by age. The extra locked rows
    // stay pending and are released when the statement ends. Window functions
    // cannot share a SELECT with FOR UPDATE, hence the separate steps. The
    // first-try test is written `(attempt_number > 1) IS FALSE` so that it
    // matches the boolean first column of idx_attempts_due_by_kind.
    const rows = await this.db.query<ClaimRow>(
      `WITH first_tries AS (
         SELECT id, endpoint_id, next_attempt_at, false AS retry FROM attempts
         WHERE status IN ('pending', 'in_flight') AND (attempt_number > 1) IS FALSE AND next_attempt_at <= now()
         ORDER BY next_attempt_at
         LIMIT $1 * 4
         FOR UPDATE SKIP LOCKED
       ),
       retries AS (
         SELECT id, endpoint_id, next_attempt_at, true AS retry FROM attempts
         WHERE status IN ('pending', 'in_flight') AND attempt_number > 1 AND next_attempt_at <= now()
         ORDER BY next_attempt_at
         LIMIT $1 * 4
         FOR UPDATE SKIP LOCKED
       ),
       candidates AS (
         SELECT *, row_number() OVER (PARTITION BY endpoint_id, retry ORDER BY next_attempt_at) AS turn
         FROM (SELECT * FROM first_tries UNION ALL SELECT * FROM retries) both_kinds
       ),
       ranked AS (
         SELECT c.id, c.next_attempt_at, c.retry,
                row_number() OVER (PARTITION BY c.endpoint_id ORDER BY c.turn, c.retry) AS position,
                coalesce(busy.in_flight, 0) AS in_flight
         FROM candidates c
         LEFT JOIN unnest($3::uuid[], $4::integer[]) AS busy (endpoint_id, in_flight) ON busy.endpoint_id = c.endpoint_id
       ),
       eligible AS (
         SELECT id, next_attempt_at, row_number() OVER (PARTITION BY retry ORDER BY next_attempt_at) AS kind_position
         FROM ranked
         WHERE position + in_flight <= $5
       ),
       due AS (
         SELECT id FROM eligible ORDER BY kind_position <= ceil($1 / 2.0) DESC, next_attempt_at LIMIT $1
       )
       UPDATE attempts a
       SET status = 'in_flight',
           next_attempt_at = now() + make_interval(secs => $2::double precision / 1000),
           claim_token = gen_random_uuid()
       FROM due, messages m, applications app, endpoints e, event_types et
       WHERE a.id = due.id AND m.id = a.message_id AND app.id = m.app_id AND e.id = a.endpoint_id AND et.id = m.event_type_id
       RETURNING a.id, a.claim_token, a.message_id, a.endpoint_id, m.app_id, app.org_id, a.attempt_number, e.url,
                 e.signing_secrets, et.name AS event_type_name, m.payload::text AS payload`,
      [request.limit, request.leaseMs, busyIds, busyCounts, request.maxPerEndpoint],
    );

    return rows.map((row) => ({
      attemptId: row.id,
      claimToken: row.claim_token,
      messageId: row.message_id,
      endpointId: row.endpoint_id,
      appId: row.app_id,
      orgId: row.org_id,
      attemptNumber: row.attempt_number,
      url: row.url,
      signingSecrets: row.signing_secrets,
      eventTypeName: row.event_type_name,
      payload: row.payload,
    }));
  }

  recordSuccess(task: DeliveryTask, result: DeliveryResult): Promise<void> {
    return this.successes.add({ task, result });
  }

  private async writeSuccesses(outcomes: readonly Outcome[]): Promise<void[]> {
    await this.db.query(RECORD_SUCCESSES, [
      outcomes.map(({ task }) => task.attemptId),
      outcomes.map(({ task }) => task.claimToken),
      outcomes.map(({ result }) => result.responseCode),
      outcomes.map(({ result }) => result.responseBody),
      outcomes.map(({ result }) => result.durationMs),
    ]);

    return [];
  }

  async release(tasks: readonly DeliveryTask[]): Promise<void> {
    if (tasks.length === 0) {
      return;
    }

    await this.db.query(
      `WITH released AS (
         UPDATE attempts a SET status = 'pending', next_attempt_at = now(), claim_token = NULL
         FROM unnest($1::uuid[], $2::uuid[]) AS r (id, claim_token)
         WHERE a.id = r.id AND a.claim_token = r.claim_token
         RETURNING 1
       )
       SELECT pg_notify($3, '') FROM (SELECT 1 FROM released LIMIT 1) any_released`,
      [tasks.map((task) => task.attemptId), tasks.map((task) => task.claimToken), WORK_CHANNEL],
    );
  }

  async recordRetry(task: DeliveryTask, result: DeliveryResult, delayMs: number): Promise<void> {
    await this.db.query(
      `WITH recorded AS (
         UPDATE attempts SET status = 'pending', response_code = $3, response_body = $4, error = $5,
                duration_ms = $6, attempted_at = now(), attempt_number = attempt_number + 1,
                next_attempt_at = now() + make_interval(secs => $7::double precision / 1000), claim_token = NULL
         WHERE id = $1 AND claim_token = $8
         RETURNING id, message_id, endpoint_id, response_code, duration_ms
       ),
       announced AS (
         INSERT INTO event_outbox (id, event_type, payload)
         SELECT gen_random_uuid(), 'attempt_failed',
                jsonb_build_object('attempt_id', id, 'message_id', message_id, 'endpoint_id', endpoint_id,
                                   'response_code', response_code, 'duration_ms', duration_ms, 'will_retry', true)
         FROM recorded
       )
       ${SUMMARY_UPSERT}`,
      [task.attemptId, 'failed', result.responseCode, result.responseBody, result.error, result.durationMs, delayMs, task.claimToken],
    );
  }

  recordExhausted(
    task: DeliveryTask,
    result: DeliveryResult,
    options: { disableEndpoint: boolean; autoDisableThreshold: number },
  ): Promise<void> {
    return this.db.runInTransaction(async () => {
      const rows = await this.db.query<{ endpoint_id: string }>(
        `WITH recorded AS (
           UPDATE attempts SET status = 'failed', response_code = $3, response_body = $4, error = $5,
                  duration_ms = $6, attempted_at = now(), next_attempt_at = NULL, claim_token = NULL
           WHERE id = $1 AND claim_token = $7
           RETURNING id, message_id, endpoint_id, response_code, duration_ms
         ),
         dead_lettered AS (
           INSERT INTO dead_letters (id, message_id, endpoint_id, app_id, attempt_id, last_response_code,
                                     last_response_body, last_error, dead_lettered_at)
           SELECT gen_random_uuid(), message_id, endpoint_id, $8, id, $3, $4, $5, now() FROM recorded
         ),
         counted AS (
           UPDATE message_delivery_status SET failed = failed + 1, dead_lettered = dead_lettered + 1
           WHERE message_id IN (SELECT message_id FROM recorded)
         ),
         announced AS (
           INSERT INTO event_outbox (id, event_type, payload)
           SELECT gen_random_uuid(), event.type, event.payload
           FROM recorded r
           CROSS JOIN LATERAL (VALUES
             ('attempt_failed', jsonb_build_object('attempt_id', r.id, 'message_id', r.message_id, 'endpoint_id', r.endpoint_id,
                                                   'response_code', r.response_code, 'duration_ms', r.duration_ms,
                                                   'will_retry', false)),
             ('dead_lettered', jsonb_build_object('message_id', r.message_id, 'endpoint_id', r.endpoint_id, 'app_id', $8::uuid))
           ) AS event (type, payload)
         ),
         summarised AS (${SUMMARY_UPSERT} RETURNING s.endpoint_id)
         SELECT endpoint_id FROM summarised`,
        [
          task.attemptId,
          'failed',
          result.responseCode,
          result.responseBody,
          result.error,
          result.durationMs,
          task.claimToken,
          task.appId,
        ],
      );

      if (rows.length === 0) {
        return;
      }

      // Counts this dead letter too: statements later in a transaction see its earlier writes.
      await this.db.query(
        `WITH disabled AS (
           UPDATE endpoints e SET enabled = false, version = version + 1
           WHERE e.id = $1 AND e.enabled AND (
             $2::boolean OR ($3::integer > 0 AND (
               SELECT count(*) FROM dead_letters d
               WHERE d.endpoint_id = e.id AND d.dead_lettered_at > greatest(
                 e.enabled_at,
                 coalesce((SELECT max(a.attempted_at) FROM attempts a WHERE a.endpoint_id = e.id AND a.status = 'succeeded'), '-infinity')
               )
             ) >= $3::integer)
           )
           RETURNING e.id, e.app_id
         )
         INSERT INTO event_outbox (id, event_type, payload)
         SELECT gen_random_uuid(), 'endpoint_updated', jsonb_build_object('endpoint_id', id, 'app_id', app_id, 'enabled', false)
         FROM disabled`,
        [task.endpointId, options.disableEndpoint, options.autoDisableThreshold],
      );
    });
  }
}
