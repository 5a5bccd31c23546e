import {
  createMessage,
  type Message,
  PigeonError,
  TEST_EVENT_IDEMPOTENCY_TTL_SECONDS,
  TEST_EVENT_TYPE_NAME,
  testEventPayload,
} from '@pigeon/domain';

import type { Actor, CommandHandler } from '../../mediator/command';
import type { Clock } from '../../ports/clock';
import type { TestEventRepository } from '../../ports/operations';
import type { ApplicationRepository } from '../../ports/repositories';
import { requireOwnedApplication } from '../../shared/ownership';
import type { SendTestEventCommand } from './send-test-event.command';

/**
 * Sends a `pigeon.test` message to one endpoint of the application, whatever
 * its subscriptions and even while it is disabled.
 */
export class SendTestEventHandler implements CommandHandler<SendTestEventCommand> {
  constructor(
    private readonly applications: ApplicationRepository,
    private readonly testEvents: TestEventRepository,
    private readonly clock: Clock,
  ) {}

  async execute(command: SendTestEventCommand, actor: Actor): Promise<Message> {
    await requireOwnedApplication(this.applications, actor.orgId, command.appId);

    const eventType = await this.testEvents.findTestEventType(command.appId);
    if (eventType === null) {
      // Every application gets this event type in the transaction that creates it, and it cannot be deleted.
      throw new Error(`application ${command.appId} has no ${TEST_EVENT_TYPE_NAME} event type`);
    }

    const now = this.clock.now();
    const message = createMessage({
      appId: command.appId,
      eventTypeId: eventType.id,
      payload: testEventPayload(now),
      idempotencyKey: null,
      idempotencyTtlSeconds: TEST_EVENT_IDEMPOTENCY_TTL_SECONDS,
      now,
    });

    const sent = await this.testEvents.send(message, command.endpointId);
    if (!sent) {
      throw PigeonError.notFound();
    }

    return message;
  }
}
