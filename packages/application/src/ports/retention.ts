/** Deletes what has outlived its retention, a bounded batch per call so no statement holds locks for long. */
export abstract class RetentionStore {
  /** Deletes up to `limit` idempotency keys whose expiry has passed; returns how many it deleted. */
  abstract deleteExpiredIdempotencyKeys(limit: number): Promise<number>;
  /**
   * Deletes up to `limit` messages created more than `days` days ago, with their
   * attempts and dead letters, skipping messages that still have attempts to
   * deliver; returns how many it deleted.
   */
  abstract deleteMessagesOlderThan(days: number, limit: number): Promise<number>;
  /** Deletes up to `limit` outbox events processed more than `days` days ago; returns how many it deleted. */
  abstract deleteProcessedEventsOlderThan(days: number, limit: number): Promise<number>;
}
