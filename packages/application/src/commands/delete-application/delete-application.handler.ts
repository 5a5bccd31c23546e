import { PigeonError } from '@pigeon/domain';

import type { Actor, CommandHandler } from '../../mediator/command';
import type { ApplicationRepository } from '../../ports/repositories';
import type { DeleteApplicationCommand } from './delete-application.command';

export class DeleteApplicationHandler implements CommandHandler<DeleteApplicationCommand> {
  constructor(private readonly applications: ApplicationRepository) {}

  async execute(command: DeleteApplicationCommand, actor: Actor): Promise<void> {
    const deleted = await this.applications.delete(actor.orgId, command.appId);
    if (!deleted) {
      throw PigeonError.notFound();
    }
  }
}
