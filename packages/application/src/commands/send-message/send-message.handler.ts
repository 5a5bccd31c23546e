import { createMessage, messagePayloadFromJsonText, PigeonError } from '@pigeon/domain';

import type { Actor, SelfAuditingCommandHandler } from '../../mediator/command';
import type { Clock } from '../../ports/clock';
import { type Metrics, NoopMetrics } from '../../ports/metrics';
import type { AuditEntry, MessageRepository, SendResult } from '../../ports/repositories';
import type { SendMessageCommand } from './send-message.command';

export interface SendMessageSettings {
  readonly idempotencyTtlSeconds: number;
}

/**
 * Sends a message with one write: the ownership and event type checks, the
 * idempotency claim, the fan-out and the audit entry all happen in the
 * repository's single statement, because sending is the hot path of the API.
 */
export class SendMessageHandler implements SelfAuditingCommandHandler<SendMessageCommand> {
  readonly auditsInItsWrite = true;

  constructor(
    private readonly messages: MessageRepository,
    private readonly clock: Clock,
    private readonly settings: SendMessageSettings,
    private readonly metrics: Metrics = new NoopMetrics(),
  ) {}

  async execute(command: SendMessageCommand, actor: Actor, audit: AuditEntry): Promise<SendResult> {
    const payload = messagePayloadFromJsonText(command.payloadJson);
    const message = createMessage({
      appId: command.appId,
      eventTypeId: command.eventTypeId,
      payload,
      idempotencyKey: command.idempotencyKey,
      idempotencyTtlSeconds: this.settings.idempotencyTtlSeconds,
      now: this.clock.now(),
    });

    const result = await this.messages.send({ message, orgId: actor.orgId, audit });
    if (result === 'application_not_found') {
      throw PigeonError.notFound();
    }
    if (result === 'event_type_not_found') {
      throw PigeonError.validation(`Event type not found: ${command.eventTypeId}`);
    }

    this.metrics.messageAccepted(result.duplicate);

    return result;
  }
}
