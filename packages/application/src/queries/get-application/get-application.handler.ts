import type { Application } from '@pigeon/domain';

import type { Actor, QueryHandler } from '../../mediator/command';
import type { ApplicationRepository } from '../../ports/repositories';
import { requireOwnedApplication } from '../../shared/ownership';
import type { GetApplicationQuery } from './get-application.query';

export class GetApplicationHandler implements QueryHandler<GetApplicationQuery> {
  constructor(private readonly applications: ApplicationRepository) {}

  execute(query: GetApplicationQuery, actor: Actor): Promise<Application> {
    return requireOwnedApplication(this.applications, actor.orgId, query.appId);
  }
}
