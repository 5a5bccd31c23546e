import { type ClaimRequest, type DeliveryResult, DeliveryQueue, type DeliveryTask } from '@pigeon/application';

import type { DatabaseContext } from './transaction-context';

interface ClaimRow {
  id: string;
  claim_token: string;
  message_id: string;
  endpoint_id: string;
  app_id: string;
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

/**
 * The attempt queue on PostgreSQL. A claim flips due attempts to `in_flight`
 * under `FOR UPDATE SKIP LOCKED`, so concurrent workers take disjoint rows, and
 * sets `next_attempt_at` to the lease expiry: an attempt whose worker died
 * becomes due again then. Outcomes are written only while the claim token still
 * matches, so a worker whose lease expired cannot overwrite a newer claim, and
 * each outcome updates the attempt and its projections in one statement.
 */
export class PgDeliveryQueue extends DeliveryQueue {
  constructor(private readonly db: DatabaseContext) {
    super();
  }

  async claim(request: ClaimRequest): Promise<DeliveryTask[]> {
    const busyIds = [...request.endpointsInFlight.keys()];
    const busyCounts = busyIds.map((id) => request.endpointsInFlight.get(id) ?? 0);

    // Locks a few more candidates than needed, then keeps per endpoint only as
    // many as its free slots allow; the extra locked rows stay pending and are
    // released when the statement ends. Window functions cannot share a SELECT
    // with FOR UPDATE, hence the two steps.
    const rows = await this.db.query<ClaimRow>(
      `WITH candidates AS (
         SELECT id, endpoint_id, next_attempt_at FROM attempts
         WHERE status IN ('pending', 'in_flight') AND next_attempt_at <= now()
         ORDER BY next_attempt_at
         LIMIT $1 * 4
         FOR UPDATE SKIP LOCKED
       ),
       ranked AS (
         SELECT c.id, c.next_attempt_at,
                row_number() OVER (PARTITION BY c.endpoint_id ORDER BY c.next_attempt_at) AS position,
                coalesce(busy.in_flight, 0) AS in_flight
         FROM candidates c
         LEFT JOIN unnest($3::uuid[], $4::integer[]) AS busy (endpoint_id, in_flight) ON busy.endpoint_id = c.endpoint_id
       ),
       due AS (
         SELECT id FROM ranked WHERE position + in_flight <= $5 ORDER BY next_attempt_at LIMIT $1
       )
       UPDATE attempts a
       SET status = 'in_flight',
           next_attempt_at = now() + make_interval(secs => $2::double precision / 1000),
           claim_token = gen_random_uuid()
       FROM due, messages m, endpoints e, event_types et
       WHERE a.id = due.id AND m.id = a.message_id AND e.id = a.endpoint_id AND et.id = m.event_type_id
       RETURNING a.id, a.claim_token, a.message_id, a.endpoint_id, m.app_id, a.attempt_number, e.url,
                 e.signing_secrets, et.name AS event_type_name, m.payload::text AS payload`,
      [request.limit, request.leaseMs, busyIds, busyCounts, request.maxPerEndpoint],
    );

    return rows.map((row) => ({
      attemptId: row.id,
      claimToken: row.claim_token,
      messageId: row.message_id,
      endpointId: row.endpoint_id,
      appId: row.app_id,
      attemptNumber: row.attempt_number,
      url: row.url,
      signingSecrets: row.signing_secrets,
      eventTypeName: row.event_type_name,
      payload: row.payload,
    }));
  }

  async recordSuccess(task: DeliveryTask, result: DeliveryResult): Promise<void> {
    await this.db.query(
      `WITH recorded AS (
         UPDATE attempts SET status = 'succeeded', response_code = $3, response_body = $4, error = NULL,
                duration_ms = $5, attempted_at = now(), next_attempt_at = NULL, claim_token = NULL
         WHERE id = $1 AND claim_token = $6
         RETURNING message_id, endpoint_id
       ),
       counted AS (
         UPDATE message_delivery_status SET succeeded = succeeded + 1
         WHERE message_id IN (SELECT message_id FROM recorded)
       )
       ${SUMMARY_UPSERT}`,
      [task.attemptId, 'succeeded', result.responseCode, result.responseBody, result.durationMs, task.claimToken],
    );
  }

  async recordRetry(task: DeliveryTask, result: DeliveryResult, delayMs: number): Promise<void> {
    await this.db.query(
      `WITH recorded AS (
         UPDATE attempts SET status = 'pending', response_code = $3, response_body = $4, error = $5,
                duration_ms = $6, attempted_at = now(), attempt_number = attempt_number + 1,
                next_attempt_at = now() + make_interval(secs => $7::double precision / 1000), claim_token = NULL
         WHERE id = $1 AND claim_token = $8
         RETURNING endpoint_id
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
           RETURNING id, message_id, endpoint_id
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
        `UPDATE endpoints e SET enabled = false, version = version + 1
         WHERE e.id = $1 AND e.enabled AND (
           $2::boolean OR ($3::integer > 0 AND (
             SELECT count(*) FROM dead_letters d
             WHERE d.endpoint_id = e.id AND d.dead_lettered_at > greatest(
               e.enabled_at,
               coalesce((SELECT max(a.attempted_at) FROM attempts a WHERE a.endpoint_id = e.id AND a.status = 'succeeded'), '-infinity')
             )
           ) >= $3::integer)
         )`,
        [task.endpointId, options.disableEndpoint, options.autoDisableThreshold],
      );
    });
  }
}
