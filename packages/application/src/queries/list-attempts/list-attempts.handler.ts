import type { Attempt } from '@pigeon/domain';

import type { Actor, QueryHandler } from '../../mediator/command';
import type { ApplicationRepository, MessageRepository } from '../../ports/repositories';
import { requireFound, requireOwnedApplication } from '../../shared/ownership';
import type { ListAttemptsQuery } from './list-attempts.query';

export class ListAttemptsHandler implements QueryHandler<ListAttemptsQuery> {
  constructor(
    private readonly applications: ApplicationRepository,
    private readonly messages: MessageRepository,
  ) {}

  async execute(query: ListAttemptsQuery, actor: Actor): Promise<Attempt[]> {
    await requireOwnedApplication(this.applications, actor.orgId, query.appId);
    requireFound(await this.messages.findInApp(query.appId, query.messageId));

    return this.messages.listAttempts(query.appId, query.messageId);
  }
}
