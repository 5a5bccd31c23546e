import type { Logger } from '../ports/logger';
import type { RetentionStore } from '../ports/retention';

export interface RetentionSettings {
  /** Days messages are kept; 0 keeps them forever. */
  readonly retentionDays: number;
  /** Days processed outbox events are kept; 0 keeps them forever. Unprocessed events are never deleted. */
  readonly outboxRetentionDays: number;
  readonly batchSize: number;
  /** Most batches per run and kind, so one run cannot go on for hours after a long outage. */
  readonly maxBatchesPerRun: number;
}

export interface RetentionReport {
  readonly idempotencyKeysDeleted: number;
  readonly messagesDeleted: number;
  readonly outboxEventsDeleted: number;
}

/**
 * Expires idempotency keys and deletes messages and processed outbox events
 * past their retention, in small batches. Idempotency and retention are
 * separate: a key stops deduplicating after its TTL, while the message stays
 * readable and replayable until the retention period ends. Several workers may run it at once; the store skips
 * rows another run holds.
 */
export class RetentionJob {
  constructor(
    private readonly store: RetentionStore,
    private readonly logger: Logger,
    private readonly settings: RetentionSettings,
  ) {}

  async runOnce(): Promise<RetentionReport> {
    const idempotencyKeysDeleted = await this.drain((limit) => this.store.deleteExpiredIdempotencyKeys(limit));
    const messagesDeleted =
      this.settings.retentionDays > 0
        ? await this.drain((limit) => this.store.deleteMessagesOlderThan(this.settings.retentionDays, limit))
        : 0;
    const outboxEventsDeleted =
      this.settings.outboxRetentionDays > 0
        ? await this.drain((limit) => this.store.deleteProcessedEventsOlderThan(this.settings.outboxRetentionDays, limit))
        : 0;

    if (idempotencyKeysDeleted > 0 || messagesDeleted > 0 || outboxEventsDeleted > 0) {
      this.logger.info('retention run finished', { idempotencyKeysDeleted, messagesDeleted, outboxEventsDeleted });
    }

    return { idempotencyKeysDeleted, messagesDeleted, outboxEventsDeleted };
  }

  private async drain(deleteBatch: (limit: number) => Promise<number>): Promise<number> {
    let total = 0;

    for (let batch = 0; batch < this.settings.maxBatchesPerRun; batch += 1) {
      const deleted = await deleteBatch(this.settings.batchSize);
      total += deleted;
      if (deleted < this.settings.batchSize) {
        break;
      }
    }

    return total;
  }
}
