/** Stats windows the API offers. */
export type StatsPeriod = '24h' | '7d' | '30d';

export const STATS_PERIODS: readonly StatsPeriod[] = ['24h', '7d', '30d'];

/** One bar of the delivery chart. */
export interface DeliveryBucket {
  /** Start of the bucket, ISO 8601 in UTC. */
  bucket: string;
  succeeded: number;
  failed: number;
}

const HOUR_MS = 3_600_000;

/** Window length and bucket width in hours, as the stats routes compute them. */
const PERIOD_SHAPE: Record<StatsPeriod, { hours: number; bucketHours: number }> = {
  '24h': { hours: 24, bucketHours: 1 },
  '7d': { hours: 7 * 24, bucketHours: 6 },
  '30d': { hours: 30 * 24, bucketHours: 24 },
};

/**
 * Returns one bucket per slot of the period, oldest first, ending with the
 * bucket that contains `now`. The API returns only buckets that have
 * deliveries, aligned in UTC to the bucket width; the missing ones are zeros.
 */
export function fillDeliveryBuckets(series: readonly DeliveryBucket[], period: StatsPeriod, now: Date): DeliveryBucket[] {
  const { hours, bucketHours } = PERIOD_SHAPE[period];
  const widthMs = bucketHours * HOUR_MS;
  const count = Math.round(hours / bucketHours);
  const lastStart = Math.floor(now.getTime() / widthMs) * widthMs;

  const byStart = new Map<number, DeliveryBucket>();
  for (const item of series) {
    const start = Math.floor(new Date(item.bucket).getTime() / widthMs) * widthMs;
    const existing = byStart.get(start);
    byStart.set(start, {
      bucket: new Date(start).toISOString(),
      succeeded: (existing?.succeeded ?? 0) + item.succeeded,
      failed: (existing?.failed ?? 0) + item.failed,
    });
  }

  const buckets: DeliveryBucket[] = [];
  for (let index = count - 1; index >= 0; index -= 1) {
    const start = lastStart - index * widthMs;
    buckets.push(byStart.get(start) ?? { bucket: new Date(start).toISOString(), succeeded: 0, failed: 0 });
  }

  return buckets;
}

/** Formats a bucket start as the chart's axis label for the period. */
export function bucketLabel(bucket: string, period: StatsPeriod): string {
  const date = new Date(bucket);
  if (period === '30d') {
    return date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  }
  if (period === '7d') {
    return date.toLocaleString(undefined, { weekday: 'short', hour: '2-digit' });
  }

  return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}
