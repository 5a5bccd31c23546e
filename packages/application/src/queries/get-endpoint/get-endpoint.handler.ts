import type { Endpoint } from '@pigeon/domain';

import type { Actor, QueryHandler } from '../../mediator/command';
import type { ApplicationRepository, EndpointRepository } from '../../ports/repositories';
import { requireFound, requireOwnedApplication } from '../../shared/ownership';
import type { GetEndpointQuery } from './get-endpoint.query';

export class GetEndpointHandler implements QueryHandler<GetEndpointQuery> {
  constructor(
    private readonly applications: ApplicationRepository,
    private readonly endpoints: EndpointRepository,
  ) {}

  async execute(query: GetEndpointQuery, actor: Actor): Promise<Endpoint> {
    await requireOwnedApplication(this.applications, actor.orgId, query.appId);

    return requireFound(await this.endpoints.findInApp(query.appId, query.endpointId));
  }
}
