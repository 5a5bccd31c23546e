import type { Actor, QueryHandler } from '../../mediator/command';
import type { Page } from '../../ports/pagination';
import type { ApplicationRepository, MessageRepository, MessageView } from '../../ports/repositories';
import { requireOwnedApplication } from '../../shared/ownership';
import type { ListMessagesQuery } from './list-messages.query';

export class ListMessagesHandler implements QueryHandler<ListMessagesQuery> {
  constructor(
    private readonly applications: ApplicationRepository,
    private readonly messages: MessageRepository,
  ) {}

  async execute(query: ListMessagesQuery, actor: Actor): Promise<Page<MessageView>> {
    await requireOwnedApplication(this.applications, actor.orgId, query.appId);

    return this.messages.listInApp(query.appId, query.page, query.filters);
  }
}
