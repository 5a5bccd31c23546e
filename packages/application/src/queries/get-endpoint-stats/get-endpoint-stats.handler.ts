import type { Actor, QueryHandler } from '../../mediator/command';
import type { ApplicationRepository, EndpointRepository } from '../../ports/repositories';
import type { EndpointStats, StatsReader } from '../../ports/stats';
import { requireFound, requireOwnedApplication } from '../../shared/ownership';
import { type WithSuccessRate, withSuccessRate } from '../../shared/stats';
import type { GetEndpointStatsQuery } from './get-endpoint-stats.query';

export class GetEndpointStatsHandler implements QueryHandler<GetEndpointStatsQuery> {
  constructor(
    private readonly applications: ApplicationRepository,
    private readonly endpoints: EndpointRepository,
    private readonly stats: StatsReader,
  ) {}

  async execute(query: GetEndpointStatsQuery, actor: Actor): Promise<WithSuccessRate<EndpointStats>> {
    await requireOwnedApplication(this.applications, actor.orgId, query.appId);
    requireFound(await this.endpoints.findInApp(query.appId, query.endpointId));

    return withSuccessRate(await this.stats.endpointStats(query.endpointId, query.period));
  }
}
