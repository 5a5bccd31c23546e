import { createMessage, messagePayloadFromJsonText, PigeonError } from '@pigeon/domain';

import type { Actor, CommandHandler } from '../../mediator/command';
import type { Clock } from '../../ports/clock';
import type { ApplicationRepository, EventTypeRepository, MessageRepository, SendResult } from '../../ports/repositories';
import { requireOwnedApplication } from '../../shared/ownership';
import type { SendMessageCommand } from './send-message.command';

export interface SendMessageSettings {
  readonly idempotencyTtlSeconds: number;
}

export class SendMessageHandler implements CommandHandler<SendMessageCommand> {
  constructor(
    private readonly applications: ApplicationRepository,
    private readonly eventTypes: EventTypeRepository,
    private readonly messages: MessageRepository,
    private readonly clock: Clock,
    private readonly settings: SendMessageSettings,
  ) {}

  async execute(command: SendMessageCommand, actor: Actor): Promise<SendResult> {
    const payload = messagePayloadFromJsonText(command.payloadJson);
    await requireOwnedApplication(this.applications, actor.orgId, command.appId);

    const eventType = await this.eventTypes.findInApp(command.appId, command.eventTypeId);
    if (eventType === null || eventType.system) {
      throw PigeonError.validation(`Event type not found: ${command.eventTypeId}`);
    }

    const message = createMessage({
      appId: command.appId,
      eventTypeId: eventType.id,
      payload,
      idempotencyKey: command.idempotencyKey,
      idempotencyTtlSeconds: this.settings.idempotencyTtlSeconds,
      now: this.clock.now(),
    });

    return this.messages.send(message);
  }
}
