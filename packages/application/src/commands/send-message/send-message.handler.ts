import { createMessage, messagePayloadFromJsonText, PigeonError } from '@pigeon/domain';

import type { Actor, CommandHandler } from '../../mediator/command';
import type { Clock } from '../../ports/clock';
import { type Metrics, NoopMetrics } from '../../ports/metrics';
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
    private readonly metrics: Metrics = new NoopMetrics(),
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

    const result = await this.messages.send(message);
    // NOTE: counted before the command's transaction commits, so a failed commit still counts.
    this.metrics.messageAccepted(result.duplicate);

    return result;
  }
}
