import { PigeonError } from '@pigeon/domain';

import type { Actor, CommandHandler } from '../../mediator/command';
import type { ApplicationRepository, EndpointRepository } from '../../ports/repositories';
import { requireOwnedApplication } from '../../shared/ownership';
import type { DeleteEndpointCommand } from './delete-endpoint.command';

export class DeleteEndpointHandler implements CommandHandler<DeleteEndpointCommand> {
  constructor(
    private readonly applications: ApplicationRepository,
    private readonly endpoints: EndpointRepository,
  ) {}

  async execute(command: DeleteEndpointCommand, actor: Actor): Promise<void> {
    await requireOwnedApplication(this.applications, actor.orgId, command.appId);

    const deleted = await this.endpoints.delete(command.appId, command.endpointId);
    if (!deleted) {
      throw PigeonError.notFound();
    }
  }
}
