import type { Logger } from '../ports/logger';
import { type EventMetadata, OutboxSubscriber } from '../ports/outbox';
import type { DomainEvent } from './domain-events';

/**
 * Writes one debug line per domain event with its ids, counts and status code.
 * Events carry no payload or secret, so every field can be logged.
 */
export class LoggingSubscriber extends OutboxSubscriber {
  readonly name = 'logging';

  constructor(private readonly logger: Logger) {
    super();
  }

  handle(event: DomainEvent, metadata: EventMetadata): Promise<void> {
    const { type, ...fields } = event;
    this.logger.debug('domain event', {
      eventId: metadata.eventId,
      eventType: type,
      occurredAt: metadata.occurredAt.toISOString(),
      ...fields,
    });

    return Promise.resolve();
  }
}
