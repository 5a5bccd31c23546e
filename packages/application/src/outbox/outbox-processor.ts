import type { Logger } from '../ports/logger';
import type { OutboxRecord, OutboxStore, OutboxSubscriber } from '../ports/outbox';
import { decodeDomainEvent } from './domain-events';

export interface OutboxProcessorSettings {
  /** Max records claimed and marked in one transaction. */
  readonly batchSize: number;
  /** Idle time after a batch that was not full, or after a failed batch. */
  readonly pollIntervalMs: number;
}

type ProcessorState = 'idle' | 'running' | 'stopping' | 'stopped';

/**
 * Hands every outbox record to the subscribers once. It claims records in
 * batches, decodes each into a domain event and marks it processed in the same
 * transaction, so several processes share the outbox without processing a
 * record twice. A record that is not a valid event (unknown type, bad payload)
 * is marked processed with a note instead of being retried forever, so it
 * cannot block the records behind it.
 */
export class OutboxProcessor {
  private state: ProcessorState = 'idle';
  private loop: Promise<void> | null = null;
  private stopped: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly store: OutboxStore,
    private readonly subscribers: readonly OutboxSubscriber[],
    private readonly logger: Logger,
    private readonly settings: OutboxProcessorSettings,
  ) {}

  start(): void {
    if (this.state !== 'idle') {
      return;
    }

    this.state = 'running';
    this.loop = this.run();
    this.logger.info('outbox processor started', {
      batchSize: this.settings.batchSize,
      subscribers: this.subscribers.map((subscriber) => subscriber.name),
    });
  }

  /** Stops claiming and resolves once the batch in progress is committed or rolled back. */
  async stop(): Promise<void> {
    if (this.state === 'running') {
      this.state = 'stopping';
      this.wake?.();
      this.stopped =
        this.loop?.then(() => {
          this.state = 'stopped';
          this.logger.info('outbox processor stopped');
        }) ?? null;
    }

    await this.stopped;
  }

  /** Processes one batch and returns the number of records it claimed. */
  processBatch(): Promise<number> {
    return this.store.processBatch(this.settings.batchSize, (record) => this.handle(record));
  }

  private async run(): Promise<void> {
    while (this.state === 'running') {
      let claimed: number;
      try {
        claimed = await this.processBatch();
      } catch (error) {
        this.logger.error('processing outbox events failed', { error: describe(error) });
        await this.sleep(this.settings.pollIntervalMs);
        continue;
      }

      if (claimed < this.settings.batchSize) {
        await this.sleep(this.settings.pollIntervalMs);
      }
    }
  }

  private async handle(record: OutboxRecord): Promise<string | null> {
    const decoded = decodeDomainEvent(record.eventType, record.payload);
    if (!decoded.ok) {
      this.logger.warn('invalid outbox event skipped', { eventId: record.id, eventType: record.eventType, reason: decoded.reason });

      return decoded.reason;
    }

    const metadata = { eventId: record.id, occurredAt: record.createdAt };
    const failures: string[] = [];
    for (const subscriber of this.subscribers) {
      try {
        await subscriber.handle(decoded.event, metadata);
      } catch (error) {
        // NOTE: the event is not offered to this subscriber again, and anything
        // it wrote before it failed is committed with the batch. A subscriber
        // that writes should therefore do so in one statement.
        this.logger.error('outbox subscriber failed', {
          eventId: record.id,
          eventType: record.eventType,
          subscriber: subscriber.name,
          error: describe(error),
        });
        failures.push(`${subscriber.name} failed: ${describe(error)}`);
      }
    }

    return failures.length === 0 ? null : failures.join('; ');
  }

  private sleep(ms: number): Promise<void> {
    if (this.state !== 'running') {
      return Promise.resolve();
    }

    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);

      this.wake = done;
    });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
