import type { DeadLetter } from '@pigeon/domain';

import type { Actor, QueryHandler } from '../../mediator/command';
import type { DeadLetterRepository } from '../../ports/operations';
import type { Page } from '../../ports/pagination';
import type { ApplicationRepository } from '../../ports/repositories';
import { requireOwnedApplication } from '../../shared/ownership';
import type { ListDeadLettersQuery } from './list-dead-letters.query';

export class ListDeadLettersHandler implements QueryHandler<ListDeadLettersQuery> {
  constructor(
    private readonly applications: ApplicationRepository,
    private readonly deadLetters: DeadLetterRepository,
  ) {}

  async execute(query: ListDeadLettersQuery, actor: Actor): Promise<Page<DeadLetter>> {
    await requireOwnedApplication(this.applications, actor.orgId, query.appId);

    return this.deadLetters.listInApp(query.appId, query.page, query.filters);
  }
}
