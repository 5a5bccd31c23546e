import type { EventType } from '@pigeon/domain';

import type { Actor, QueryHandler } from '../../mediator/command';
import type { Page } from '../../ports/pagination';
import type { ApplicationRepository, EventTypeRepository } from '../../ports/repositories';
import { requireOwnedApplication } from '../../shared/ownership';
import type { ListEventTypesQuery } from './list-event-types.query';

export class ListEventTypesHandler implements QueryHandler<ListEventTypesQuery> {
  constructor(
    private readonly applications: ApplicationRepository,
    private readonly eventTypes: EventTypeRepository,
  ) {}

  async execute(query: ListEventTypesQuery, actor: Actor): Promise<Page<EventType>> {
    await requireOwnedApplication(this.applications, actor.orgId, query.appId);

    return this.eventTypes.listInApp(query.appId, query.page);
  }
}
