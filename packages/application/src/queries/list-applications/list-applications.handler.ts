import type { Application } from '@pigeon/domain';

import type { Actor, QueryHandler } from '../../mediator/command';
import type { Page } from '../../ports/pagination';
import type { ApplicationRepository } from '../../ports/repositories';
import type { ListApplicationsQuery } from './list-applications.query';

export class ListApplicationsHandler implements QueryHandler<ListApplicationsQuery> {
  constructor(private readonly applications: ApplicationRepository) {}

  execute(query: ListApplicationsQuery, actor: Actor): Promise<Page<Application>> {
    return this.applications.listInOrg(actor.orgId, query.page, query.search);
  }
}
