import { Query } from '../../mediator/command';
import type { ApplicationStats, StatsPeriod } from '../../ports/stats';
import type { WithSuccessRate } from '../../shared/stats';

export class GetApplicationStatsQuery extends Query<WithSuccessRate<ApplicationStats>> {
  constructor(
    readonly appId: string,
    readonly period: StatsPeriod,
  ) {
    super();
  }
}
