import { Query } from '../../mediator/command';
import type { EventTypeStats, StatsPeriod } from '../../ports/stats';
import type { WithSuccessRate } from '../../shared/stats';

export class GetEventTypeStatsQuery extends Query<WithSuccessRate<EventTypeStats>> {
  constructor(
    readonly appId: string,
    readonly eventTypeId: string,
    readonly period: StatsPeriod,
  ) {
    super();
  }
}
