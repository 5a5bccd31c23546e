import type { Actor, QueryHandler } from '../../mediator/command';
import type { ApplicationRepository } from '../../ports/repositories';
import type { ApplicationStats, StatsReader } from '../../ports/stats';
import { requireOwnedApplication } from '../../shared/ownership';
import { type WithSuccessRate, withSuccessRate } from '../../shared/stats';
import type { GetApplicationStatsQuery } from './get-application-stats.query';

export class GetApplicationStatsHandler implements QueryHandler<GetApplicationStatsQuery> {
  constructor(
    private readonly applications: ApplicationRepository,
    private readonly stats: StatsReader,
  ) {}

  async execute(query: GetApplicationStatsQuery, actor: Actor): Promise<WithSuccessRate<ApplicationStats>> {
    await requireOwnedApplication(this.applications, actor.orgId, query.appId);

    return withSuccessRate(await this.stats.applicationStats(query.appId, query.period));
  }
}
