import type { Endpoint } from '@pigeon/domain';

import type { Actor, QueryHandler } from '../../mediator/command';
import type { Page } from '../../ports/pagination';
import type { ApplicationRepository, EndpointRepository } from '../../ports/repositories';
import { requireOwnedApplication } from '../../shared/ownership';
import type { ListEndpointsQuery } from './list-endpoints.query';

export class ListEndpointsHandler implements QueryHandler<ListEndpointsQuery> {
  constructor(
    private readonly applications: ApplicationRepository,
    private readonly endpoints: EndpointRepository,
  ) {}

  async execute(query: ListEndpointsQuery, actor: Actor): Promise<Page<Endpoint>> {
    await requireOwnedApplication(this.applications, actor.orgId, query.appId);

    return this.endpoints.listInApp(query.appId, query.page);
  }
}
