import type { DomainEvent } from '../outbox/domain-events';

/** A row of the event outbox as stored, before its type and payload are checked. */
export interface OutboxRecord {
  readonly id: string;
  readonly eventType: string;
  /** The stored JSON payload, parsed but not validated. */
  readonly payload: unknown;
  readonly createdAt: Date;
}

/** Handles one record and returns the note to store with it: null on success, else the reason for the failure. */
export type OutboxRecordHandler = (record: OutboxRecord) => Promise<string | null>;

export abstract class OutboxStore {
  /**
   * Claims up to `limit` unprocessed records, oldest first, skipping records
   * that another process has locked. Passes each one to `handle` and marks it
   * processed with the returned note, all in one transaction, so each record
   * is processed once however many processes run. When the transaction fails,
   * every record of the batch stays unprocessed for a later claim. Returns the
   * number of records claimed.
   */
  abstract processBatch(limit: number, handle: OutboxRecordHandler): Promise<number>;
}

/** Id and creation time of the outbox record that carried an event. */
export interface EventMetadata {
  readonly eventId: string;
  readonly occurredAt: Date;
}

/**
 * Receives each domain event once, inside the transaction that marks its
 * outbox record processed. Repository writes made by a subscriber join that
 * transaction, so they commit together with the mark.
 */
export abstract class OutboxSubscriber {
  /** Short name for logs and for the note of a record whose handling failed. */
  abstract readonly name: string;
  abstract handle(event: DomainEvent, metadata: EventMetadata): Promise<void>;
}
