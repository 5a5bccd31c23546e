import { type EventType, updateEventType } from '@pigeon/domain';

import type { Actor, CommandHandler } from '../../mediator/command';
import type { ApplicationRepository, EventTypeRepository } from '../../ports/repositories';
import { requireFound, requireOwnedApplication } from '../../shared/ownership';
import type { UpdateEventTypeCommand } from './update-event-type.command';

export class UpdateEventTypeHandler implements CommandHandler<UpdateEventTypeCommand> {
  constructor(
    private readonly applications: ApplicationRepository,
    private readonly eventTypes: EventTypeRepository,
  ) {}

  async execute(command: UpdateEventTypeCommand, actor: Actor): Promise<EventType> {
    await requireOwnedApplication(this.applications, actor.orgId, command.appId);
    const current = requireFound(await this.eventTypes.findInApp(command.appId, command.eventTypeId));
    // The original UI sends only name and version; keeping the schema then avoids wiping it.
    const schema = command.schema === undefined ? current.schema : command.schema;
    const updated = updateEventType(current, { name: command.name, schema, expectedVersion: command.version });

    await this.eventTypes.update(updated, current.version);

    return updated;
  }
}
