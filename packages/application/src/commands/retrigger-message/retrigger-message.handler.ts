import { noNewEndpointsToDeliverTo } from '@pigeon/domain';

import type { Actor, CommandHandler } from '../../mediator/command';
import type { AttemptRepository } from '../../ports/operations';
import type { ApplicationRepository, MessageRepository } from '../../ports/repositories';
import { requireFound, requireOwnedApplication } from '../../shared/ownership';
import type { RetriggerMessageCommand, RetriggerResult } from './retrigger-message.command';

/** Fans a stored message out to matching endpoints that were added or subscribed after it was sent. */
export class RetriggerMessageHandler implements CommandHandler<RetriggerMessageCommand> {
  constructor(
    private readonly applications: ApplicationRepository,
    private readonly messages: MessageRepository,
    private readonly attempts: AttemptRepository,
  ) {}

  async execute(command: RetriggerMessageCommand, actor: Actor): Promise<RetriggerResult> {
    await requireOwnedApplication(this.applications, actor.orgId, command.appId);
    const { message } = requireFound(await this.messages.findInApp(command.appId, command.messageId));

    const attemptsCreated = await this.attempts.addForNewEndpoints(message);
    if (attemptsCreated === 0) {
      throw noNewEndpointsToDeliverTo();
    }

    return { messageId: message.id, attemptsCreated };
  }
}
