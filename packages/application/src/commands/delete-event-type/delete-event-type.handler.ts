import { assertDeletable } from '@pigeon/domain';

import type { Actor, CommandHandler } from '../../mediator/command';
import type { ApplicationRepository, EventTypeRepository } from '../../ports/repositories';
import { requireFound, requireOwnedApplication } from '../../shared/ownership';
import type { DeleteEventTypeCommand } from './delete-event-type.command';

export class DeleteEventTypeHandler implements CommandHandler<DeleteEventTypeCommand> {
  constructor(
    private readonly applications: ApplicationRepository,
    private readonly eventTypes: EventTypeRepository,
  ) {}

  async execute(command: DeleteEventTypeCommand, actor: Actor): Promise<void> {
    await requireOwnedApplication(this.applications, actor.orgId, command.appId);
    const eventType = requireFound(await this.eventTypes.findInApp(command.appId, command.eventTypeId));
    assertDeletable(eventType);

    await this.eventTypes.delete(command.appId, eventType.id);
  }
}
