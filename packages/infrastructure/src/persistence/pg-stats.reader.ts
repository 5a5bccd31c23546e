import {
  type ApplicationStats,
  type DeliveryCounts,
  type EndpointStats,
  type EventTypeStats,
  type RecentMessage,
  STATS_WINDOWS,
  type StatsBucket,
  type StatsPeriod,
  StatsReader,
} from '@pigeon/application';

import type { DatabaseContext } from './transaction-context';

/** SQL conditions on attempts `a` and dead letters `d` that select what a statistic covers. */
interface Scope {
  readonly attempts: string;
  readonly deadLetters: string;
}

// Every statement passes the window length in hours as $1 and the bucket
// length in seconds as $2, and scope ids from $3 on. The window is in hours,
// not days, because subtracting '7 days' from a timestamptz follows
// daylight-saving changes of the session time zone.
const SINCE = `now() - make_interval(hours => $1::integer)`;

// An attempt's endpoint always belongs to its message's application (fan-out,
// test events, retrigger and replay only pick endpoints of that application),
// so the application's attempts are those of its endpoints. The index on
// (endpoint_id, attempted_at) then serves the time window.
const ENDPOINTS_OF_APP = `a.endpoint_id IN (SELECT e.id FROM endpoints e WHERE e.app_id = $3)`;

const APPLICATION_SCOPE: Scope = {
  attempts: ENDPOINTS_OF_APP,
  deadLetters: `d.app_id = $3`,
};

// The caller checked that the event type belongs to the application, so its
// messages need no second filter on app_id. Such a filter makes the planner
// combine two message indexes and misjudge how many rows match.
const MESSAGES_OF_EVENT_TYPE = `(SELECT m.id FROM messages m WHERE m.event_type_id = $4)`;

const EVENT_TYPE_SCOPE: Scope = {
  attempts: `${ENDPOINTS_OF_APP} AND a.message_id IN ${MESSAGES_OF_EVENT_TYPE}`,
  deadLetters: `d.app_id = $3 AND d.message_id IN ${MESSAGES_OF_EVENT_TYPE}`,
};

const ENDPOINT_SCOPE: Scope = {
  attempts: `a.endpoint_id = $3`,
  deadLetters: `d.endpoint_id = $3`,
};

/**
 * Builds the part every statistics statement shares: the CTEs `tried` (attempts
 * of the scope tried within the window) and `buckets`, and the counter columns.
 * Buckets are cut from the Unix epoch, so they are UTC whatever the session
 * time zone. A bucket length that divides a day then starts on the hour, at
 * 00/06/12/18 UTC or at midnight UTC.
 */
function deliveryCountsSql(scope: Scope): { ctes: string; columns: string } {
  const ctes = `
    tried AS MATERIALIZED (
      SELECT a.status, a.attempted_at FROM attempts a
      WHERE ${scope.attempts} AND a.attempted_at >= ${SINCE}
    ),
    buckets AS (
      SELECT (floor(extract(epoch FROM attempted_at) / $2::integer) * $2::integer)::bigint AS bucket_epoch,
             count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
             count(*) FILTER (WHERE status = 'failed') AS failed
      FROM tried
      WHERE status IN ('succeeded', 'failed')
      GROUP BY 1
    )`;
  const columns = `
    (SELECT count(*) FROM tried) AS total_attempts,
    (SELECT count(*) FROM attempts a WHERE ${scope.attempts} AND a.status IN ('pending', 'in_flight')) AS total_pending,
    (SELECT count(*) FROM tried WHERE status = 'succeeded') AS total_succeeded,
    (SELECT count(*) FROM tried WHERE status = 'failed') AS total_failed,
    (SELECT count(*) FROM dead_letters d WHERE ${scope.deadLetters} AND d.dead_lettered_at >= ${SINCE}) AS total_dead_lettered,
    (SELECT coalesce(json_agg(json_build_array(bucket_epoch, succeeded, failed) ORDER BY bucket_epoch), '[]'::json)
     FROM buckets) AS time_series`;

  return { ctes, columns };
}

// The pg driver returns count(*) and other bigint values as strings.
interface DeliveryCountsRow {
  total_attempts: string;
  total_pending: string;
  total_succeeded: string;
  total_failed: string;
  total_dead_lettered: string;
  /** `[bucket start in Unix seconds, succeeded, failed]`, ascending. */
  time_series: Array<[number, number, number]>;
}

interface ApplicationStatsRow extends DeliveryCountsRow {
  total_messages: string;
}

interface EventTypeStatsRow extends ApplicationStatsRow {
  subscribed_endpoints: string;
}

interface EndpointStatsRow extends DeliveryCountsRow {
  consecutive_failures: string | null;
  last_delivery_at: Date | null;
  last_status: 'succeeded' | 'failed' | null;
}

interface RecentMessageRow {
  id: string;
  idempotency_key: string;
  created_at: Date;
  attempts_created: number;
  succeeded: number;
  failed: number;
  dead_lettered: number;
}

const APPLICATION_COUNTS = deliveryCountsSql(APPLICATION_SCOPE);
const EVENT_TYPE_COUNTS = deliveryCountsSql(EVENT_TYPE_SCOPE);
const ENDPOINT_COUNTS = deliveryCountsSql(ENDPOINT_SCOPE);

// Counters, buckets and extra figures of a scope come from one statement, so
// they describe one snapshot and one `now()`.
const APPLICATION_STATS_SQL = `
  WITH ${APPLICATION_COUNTS.ctes}
  SELECT ${APPLICATION_COUNTS.columns},
    (SELECT count(*) FROM messages m WHERE m.app_id = $3 AND m.created_at >= ${SINCE}) AS total_messages`;

const EVENT_TYPE_STATS_SQL = `
  WITH ${EVENT_TYPE_COUNTS.ctes}
  SELECT ${EVENT_TYPE_COUNTS.columns},
    (SELECT count(*) FROM messages m
     WHERE m.app_id = $3 AND m.event_type_id = $4 AND m.created_at >= ${SINCE}) AS total_messages,
    (SELECT count(*) FROM endpoint_events ee JOIN endpoints e ON e.id = ee.endpoint_id
     WHERE ee.event_type_id = $4 AND e.app_id = $3 AND e.enabled) AS subscribed_endpoints`;

const ENDPOINT_STATS_SQL = `
  WITH ${ENDPOINT_COUNTS.ctes}
  SELECT ${ENDPOINT_COUNTS.columns},
    s.consecutive_failures, s.last_delivery_at, s.last_status
  FROM (SELECT $3::uuid AS endpoint_id) target
  LEFT JOIN endpoint_delivery_summary s ON s.endpoint_id = target.endpoint_id`;

// A message without a status row has no recorded deliveries, so its counters are zero.
const RECENT_MESSAGES_SQL = `
  SELECT m.id, m.idempotency_key, m.created_at,
         coalesce(s.attempts_created, 0) AS attempts_created, coalesce(s.succeeded, 0) AS succeeded,
         coalesce(s.failed, 0) AS failed, coalesce(s.dead_lettered, 0) AS dead_lettered
  FROM messages m
  LEFT JOIN message_delivery_status s ON s.message_id = m.id
  WHERE m.app_id = $1 AND m.event_type_id = $2
  ORDER BY m.created_at DESC, m.id DESC
  LIMIT $3`;

function windowParameters(period: StatsPeriod): [number, number] {
  const window = STATS_WINDOWS[period];

  return [window.hours, window.bucketHours * 3600];
}

function toBucket([epochSeconds, succeeded, failed]: [number, number, number]): StatsBucket {
  return { bucket: new Date(epochSeconds * 1000), succeeded, failed };
}

function toDeliveryCounts(row: DeliveryCountsRow): DeliveryCounts {
  return {
    totalAttempts: Number(row.total_attempts),
    totalPending: Number(row.total_pending),
    totalSucceeded: Number(row.total_succeeded),
    totalFailed: Number(row.total_failed),
    totalDeadLettered: Number(row.total_dead_lettered),
    timeSeries: row.time_series.map(toBucket),
  };
}

/** Returns the single row of a statistics statement, which selects without FROM or from a one-row target. */
function onlyRow<T>(rows: T[]): T {
  const [row] = rows;
  if (row === undefined) {
    throw new Error('statistics statement returned no row');
  }

  return row;
}

function toRecentMessage(row: RecentMessageRow): RecentMessage {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    createdAt: row.created_at,
    attemptsCreated: row.attempts_created,
    succeeded: row.succeeded,
    failed: row.failed,
    deadLettered: row.dead_lettered,
  };
}

/**
 * Statistics straight from the attempts, dead letters and messages tables,
 * never from a worker's memory, so they stay exact with several workers.
 */
export class PgStatsReader extends StatsReader {
  constructor(private readonly db: DatabaseContext) {
    super();
  }

  async applicationStats(appId: string, period: StatsPeriod): Promise<ApplicationStats> {
    const row = onlyRow(await this.db.query<ApplicationStatsRow>(APPLICATION_STATS_SQL, [...windowParameters(period), appId]));

    return { ...toDeliveryCounts(row), totalMessages: Number(row.total_messages) };
  }

  async eventTypeStats(appId: string, eventTypeId: string, period: StatsPeriod, recentLimit: number): Promise<EventTypeStats> {
    const [rows, recent] = await Promise.all([
      this.db.query<EventTypeStatsRow>(EVENT_TYPE_STATS_SQL, [...windowParameters(period), appId, eventTypeId]),
      this.db.query<RecentMessageRow>(RECENT_MESSAGES_SQL, [appId, eventTypeId, recentLimit]),
    ]);
    const row = onlyRow(rows);

    return {
      ...toDeliveryCounts(row),
      totalMessages: Number(row.total_messages),
      subscribedEndpoints: Number(row.subscribed_endpoints),
      recentMessages: recent.map(toRecentMessage),
    };
  }

  async endpointStats(endpointId: string, period: StatsPeriod): Promise<EndpointStats> {
    const row = onlyRow(await this.db.query<EndpointStatsRow>(ENDPOINT_STATS_SQL, [...windowParameters(period), endpointId]));

    return {
      ...toDeliveryCounts(row),
      consecutiveFailures: Number(row.consecutive_failures ?? 0),
      lastDeliveryAt: row.last_delivery_at,
      lastStatus: row.last_status,
    };
  }
}
