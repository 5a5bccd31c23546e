import { type Application, createApplication, createTestEventType } from '@pigeon/domain';

import type { Actor, CommandHandler } from '../../mediator/command';
import type { Clock } from '../../ports/clock';
import type { ApplicationRepository } from '../../ports/repositories';
import type { CreateApplicationCommand } from './create-application.command';

export class CreateApplicationHandler implements CommandHandler<CreateApplicationCommand> {
  constructor(
    private readonly applications: ApplicationRepository,
    private readonly clock: Clock,
  ) {}

  async execute(command: CreateApplicationCommand, actor: Actor): Promise<Application> {
    const now = this.clock.now();
    const application = createApplication({ orgId: actor.orgId, name: command.name, uid: command.uid, now });

    await this.applications.insert(application, createTestEventType(application.id, now));

    return application;
  }
}
