import { LoggingSubscriber, OutboxProcessor } from '@pigeon/application';
import { type DatabaseContext, PgOutboxStore, type PinoLogger } from '@pigeon/infrastructure';

/** Days a processed outbox event is kept before the retention job deletes it. */
export const OUTBOX_RETENTION_DAYS = 7;

/** Max outbox events claimed and marked processed in one transaction. */
const OUTBOX_BATCH_SIZE = 100;

/**
 * Builds the processor that hands each outbox event to the subscribers once.
 * It idles for `pollIntervalMs` when the outbox is drained.
 */
export function buildOutboxProcessor(db: DatabaseContext, logger: PinoLogger, pollIntervalMs: number): OutboxProcessor {
  const subscribers = [new LoggingSubscriber(logger.child({ component: 'domain-events' }))];

  return new OutboxProcessor(new PgOutboxStore(db), subscribers, logger.child({ component: 'outbox' }), {
    batchSize: OUTBOX_BATCH_SIZE,
    pollIntervalMs,
  });
}
