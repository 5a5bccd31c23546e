import type { Actor, QueryHandler } from '../../mediator/command';
import type { ApplicationRepository, MessageRepository, MessageView } from '../../ports/repositories';
import { requireFound, requireOwnedApplication } from '../../shared/ownership';
import type { GetMessageQuery } from './get-message.query';

export class GetMessageHandler implements QueryHandler<GetMessageQuery> {
  constructor(
    private readonly applications: ApplicationRepository,
    private readonly messages: MessageRepository,
  ) {}

  async execute(query: GetMessageQuery, actor: Actor): Promise<MessageView> {
    await requireOwnedApplication(this.applications, actor.orgId, query.appId);

    return requireFound(await this.messages.findInApp(query.appId, query.messageId));
  }
}
