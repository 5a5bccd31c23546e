import { Query } from '../../mediator/command';
import type { EndpointStats, StatsPeriod } from '../../ports/stats';
import type { WithSuccessRate } from '../../shared/stats';

export class GetEndpointStatsQuery extends Query<WithSuccessRate<EndpointStats>> {
  constructor(
    readonly appId: string,
    readonly endpointId: string,
    readonly period: StatsPeriod,
  ) {
    super();
  }
}
