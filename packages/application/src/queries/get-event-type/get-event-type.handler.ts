import { type EventType, PigeonError } from '@pigeon/domain';

import type { Actor, QueryHandler } from '../../mediator/command';
import type { ApplicationRepository, EventTypeRepository } from '../../ports/repositories';
import { requireOwnedApplication } from '../../shared/ownership';
import type { GetEventTypeQuery } from './get-event-type.query';

export class GetEventTypeHandler implements QueryHandler<GetEventTypeQuery> {
  constructor(
    private readonly applications: ApplicationRepository,
    private readonly eventTypes: EventTypeRepository,
  ) {}

  async execute(query: GetEventTypeQuery, actor: Actor): Promise<EventType> {
    await requireOwnedApplication(this.applications, actor.orgId, query.appId);
    const eventType = await this.eventTypes.findInApp(query.appId, query.eventTypeId);

    if (eventType === null || eventType.system) {
      throw PigeonError.notFound();
    }

    return eventType;
  }
}
