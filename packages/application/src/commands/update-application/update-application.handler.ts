import { type Application, renameApplication } from '@pigeon/domain';

import type { Actor, CommandHandler } from '../../mediator/command';
import type { ApplicationRepository } from '../../ports/repositories';
import { requireOwnedApplication } from '../../shared/ownership';
import type { UpdateApplicationCommand } from './update-application.command';

export class UpdateApplicationHandler implements CommandHandler<UpdateApplicationCommand> {
  constructor(private readonly applications: ApplicationRepository) {}

  async execute(command: UpdateApplicationCommand, actor: Actor): Promise<Application> {
    const current = await requireOwnedApplication(this.applications, actor.orgId, command.appId);
    const updated = renameApplication(current, command.name, command.version);

    await this.applications.update(updated, current.version);

    return updated;
  }
}
