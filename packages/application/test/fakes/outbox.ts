import { type DomainEvent, type EventMetadata, type OutboxRecord, type OutboxRecordHandler, OutboxStore, OutboxSubscriber } from '../../src';

/** An outbox row of {@link InMemoryOutboxStore}, with what processing stored on it. */
export interface StoredOutboxRecord extends OutboxRecord {
  processed: boolean;
  note: string | null;
}

/** Keeps outbox records in memory and processes them in insertion order. */
export class InMemoryOutboxStore extends OutboxStore {
  readonly records: StoredOutboxRecord[] = [];

  add(eventType: string, payload: unknown): StoredOutboxRecord {
    const record = {
      id: `00000000-0000-4000-8000-${String(this.records.length + 1).padStart(12, '0')}`,
      eventType,
      payload,
      createdAt: new Date('2030-01-02T03:04:05.000Z'),
      processed: false,
      note: null,
    };
    this.records.push(record);

    return record;
  }

  async processBatch(limit: number, handle: OutboxRecordHandler): Promise<number> {
    const batch = this.records.filter((record) => !record.processed).slice(0, limit);

    for (const record of batch) {
      record.note = await handle(record);
      record.processed = true;
    }

    return batch.length;
  }
}

/** Records every event it receives; fails with `failure` when that is set. */
export class RecordingSubscriber extends OutboxSubscriber {
  readonly received: { event: DomainEvent; metadata: EventMetadata }[] = [];
  failure: Error | null = null;

  constructor(readonly name: string) {
    super();
  }

  async handle(event: DomainEvent, metadata: EventMetadata): Promise<void> {
    this.received.push({ event, metadata });
    if (this.failure !== null) {
      throw this.failure;
    }
  }
}
