import type { DeadLetter } from '@pigeon/domain';

import type { Actor, QueryHandler } from '../../mediator/command';
import type { DeadLetterRepository } from '../../ports/operations';
import type { ApplicationRepository } from '../../ports/repositories';
import { requireFound, requireOwnedApplication } from '../../shared/ownership';
import type { GetDeadLetterQuery } from './get-dead-letter.query';

export class GetDeadLetterHandler implements QueryHandler<GetDeadLetterQuery> {
  constructor(
    private readonly applications: ApplicationRepository,
    private readonly deadLetters: DeadLetterRepository,
  ) {}

  async execute(query: GetDeadLetterQuery, actor: Actor): Promise<DeadLetter> {
    await requireOwnedApplication(this.applications, actor.orgId, query.appId);

    return requireFound(await this.deadLetters.findInApp(query.appId, query.deadLetterId));
  }
}
