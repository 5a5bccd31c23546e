import type { MessageCounters } from './repositories';

/** Periods the stats routes accept, newest data last: the window always ends now. */
export const STATS_PERIODS = ['24h', '7d', '30d'] as const;

export type StatsPeriod = (typeof STATS_PERIODS)[number];

/** Length of a period's window and of its time buckets, in hours. */
export interface StatsWindow {
  readonly hours: number;
  /** Divides 24, so buckets align to the hour, to 00/06/12/18 UTC or to midnight UTC. */
  readonly bucketHours: number;
}

export const STATS_WINDOWS: Readonly<Record<StatsPeriod, StatsWindow>> = {
  '24h': { hours: 24, bucketHours: 1 },
  '7d': { hours: 7 * 24, bucketHours: 6 },
  '30d': { hours: 30 * 24, bucketHours: 24 },
};

/** Final attempts (succeeded or failed) whose last try falls in one time bucket. */
export interface StatsBucket {
  /** Start of the bucket, aligned in UTC. */
  readonly bucket: Date;
  readonly succeeded: number;
  readonly failed: number;
}

/**
 * Attempt counters of one scope. "Attempt" is an attempt row, which keeps its
 * identity across retries, not a single HTTP try.
 */
export interface DeliveryCounts {
  /** Attempts tried within the period, whatever their status now. */
  readonly totalAttempts: number;
  /** Attempts waiting or being delivered (`pending`, `in_flight`), whatever the period. */
  readonly totalPending: number;
  readonly totalSucceeded: number;
  readonly totalFailed: number;
  /** Dead letters written within the period. */
  readonly totalDeadLettered: number;
  /** Non-empty buckets in ascending order. */
  readonly timeSeries: readonly StatsBucket[];
}

export interface ApplicationStats extends DeliveryCounts {
  /** Messages created within the period. */
  readonly totalMessages: number;
}

/** A message of the event type with its delivery counters (zero when the message has none recorded). */
export interface RecentMessage extends MessageCounters {
  readonly id: string;
  readonly idempotencyKey: string;
  readonly createdAt: Date;
}

export interface EventTypeStats extends ApplicationStats {
  /** Enabled endpoints of the application subscribed to the event type. */
  readonly subscribedEndpoints: number;
  /** The newest messages of the event type, newest first, whatever the period. */
  readonly recentMessages: readonly RecentMessage[];
}

export interface EndpointStats extends DeliveryCounts {
  /** Failed HTTP tries since the endpoint's last success, retried tries included. */
  readonly consecutiveFailures: number;
  /** When the endpoint's last try was recorded, or null before the first one. */
  readonly lastDeliveryAt: Date | null;
  readonly lastStatus: 'succeeded' | 'failed' | null;
}

/**
 * Reads delivery statistics from the stored attempts, dead letters and
 * messages, so the numbers stay exact however many workers deliver. The period
 * window ends at the database's clock. Callers prove ownership first: the
 * reader scopes by the ids it is given and never checks the organization.
 */
export abstract class StatsReader {
  abstract applicationStats(appId: string, period: StatsPeriod): Promise<ApplicationStats>;
  /** Counts messages of the event type in the application; `recentLimit` bounds `recentMessages`. */
  abstract eventTypeStats(appId: string, eventTypeId: string, period: StatsPeriod, recentLimit: number): Promise<EventTypeStats>;
  abstract endpointStats(endpointId: string, period: StatsPeriod): Promise<EndpointStats>;
}
