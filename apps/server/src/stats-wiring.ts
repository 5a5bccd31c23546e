import {
  type ApplicationRepository,
  type EndpointRepository,
  type EventTypeRepository,
  GetApplicationStatsHandler,
  GetApplicationStatsQuery,
  GetEndpointStatsHandler,
  GetEndpointStatsQuery,
  GetEventTypeStatsHandler,
  GetEventTypeStatsQuery,
  type QueryBus,
} from '@pigeon/application';
import { type DatabaseContext, PgStatsReader } from '@pigeon/infrastructure';

/** Repositories the stats queries use to check that the application, event type or endpoint is the caller's. */
export interface StatsOwnerRepositories {
  readonly applications: ApplicationRepository;
  readonly eventTypes: EventTypeRepository;
  readonly endpoints: EndpointRepository;
}

/** Registers the application, event type and endpoint stats queries on the bus. */
export function registerStatsHandlers(
  queries: QueryBus,
  db: DatabaseContext,
  { applications, eventTypes, endpoints }: StatsOwnerRepositories,
): void {
  const stats = new PgStatsReader(db);

  queries
    .register(GetApplicationStatsQuery, new GetApplicationStatsHandler(applications, stats))
    .register(GetEventTypeStatsQuery, new GetEventTypeStatsHandler(applications, eventTypes, stats))
    .register(GetEndpointStatsQuery, new GetEndpointStatsHandler(applications, endpoints, stats));
}
