import type { Actor, QueryHandler } from '../../mediator/command';
import type { ApplicationRepository, EventTypeRepository } from '../../ports/repositories';
import type { EventTypeStats, StatsReader } from '../../ports/stats';
import { requireFound, requireOwnedApplication } from '../../shared/ownership';
import { type WithSuccessRate, withSuccessRate } from '../../shared/stats';
import type { GetEventTypeStatsQuery } from './get-event-type-stats.query';

/** Number of messages listed in `recentMessages`, whatever the period. */
export const RECENT_MESSAGES_LIMIT = 10;

export class GetEventTypeStatsHandler implements QueryHandler<GetEventTypeStatsQuery> {
  constructor(
    private readonly applications: ApplicationRepository,
    private readonly eventTypes: EventTypeRepository,
    private readonly stats: StatsReader,
  ) {}

  async execute(query: GetEventTypeStatsQuery, actor: Actor): Promise<WithSuccessRate<EventTypeStats>> {
    await requireOwnedApplication(this.applications, actor.orgId, query.appId);
    // The hidden test event type is found too: its test deliveries have stats like any other type.
    requireFound(await this.eventTypes.findInApp(query.appId, query.eventTypeId));

    const stats = await this.stats.eventTypeStats(query.appId, query.eventTypeId, query.period, RECENT_MESSAGES_LIMIT);

    return withSuccessRate(stats);
  }
}
