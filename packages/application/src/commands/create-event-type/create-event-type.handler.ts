import { createEventType, type EventType } from '@pigeon/domain';

import type { Actor, CommandHandler } from '../../mediator/command';
import type { Clock } from '../../ports/clock';
import type { ApplicationRepository, EventTypeRepository } from '../../ports/repositories';
import { requireOwnedApplication } from '../../shared/ownership';
import type { CreateEventTypeCommand } from './create-event-type.command';

export class CreateEventTypeHandler implements CommandHandler<CreateEventTypeCommand> {
  constructor(
    private readonly applications: ApplicationRepository,
    private readonly eventTypes: EventTypeRepository,
    private readonly clock: Clock,
  ) {}

  async execute(command: CreateEventTypeCommand, actor: Actor): Promise<EventType> {
    await requireOwnedApplication(this.applications, actor.orgId, command.appId);
    const eventType = createEventType({
      appId: command.appId,
      name: command.name,
      schema: command.schema,
      now: this.clock.now(),
    });

    await this.eventTypes.insert(eventType);

    return eventType;
  }
}
