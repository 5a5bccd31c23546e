import { PigeonError } from '@pigeon/domain';

import { type DeliveryCounts, STATS_PERIODS, type StatsPeriod } from '../ports/stats';

/** Period used when the request names none. */
export const DEFAULT_STATS_PERIOD: StatsPeriod = '24h';

/**
 * Reads the `period` query parameter, where absent or empty means the default.
 * Any value outside `24h`, `7d` and `30d` is a validation error rather than a
 * silent fallback, so a typo cannot pass for a day of data.
 */
export function parseStatsPeriod(raw: unknown): StatsPeriod {
  if (raw === undefined || raw === null || raw === '') {
    return DEFAULT_STATS_PERIOD;
  }
  if (typeof raw !== 'string' || !(STATS_PERIODS as readonly string[]).includes(raw)) {
    throw PigeonError.validation(`period must be one of ${STATS_PERIODS.join(', ')}`);
  }

  return raw as StatsPeriod;
}

/** Counters plus the share of attempts that succeeded. */
export type WithSuccessRate<T extends DeliveryCounts> = T & { readonly successRate: number };

/** Adds `successRate`: succeeded attempts over all attempts of the period, 0 when there were none. */
export function withSuccessRate<T extends DeliveryCounts>(stats: T): WithSuccessRate<T> {
  const successRate = stats.totalAttempts === 0 ? 0 : stats.totalSucceeded / stats.totalAttempts;

  return { ...stats, successRate };
}
