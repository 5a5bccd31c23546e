import { rotateEndpointSecret } from '@pigeon/domain';

import type { Actor, CommandHandler } from '../../mediator/command';
import type { SigningSecretRepository } from '../../ports/operations';
import type { ApplicationRepository, EndpointRepository } from '../../ports/repositories';
import { requireFound, requireOwnedApplication } from '../../shared/ownership';
import type { RotatedSigningSecret, RotateSigningSecretCommand } from './rotate-signing-secret.command';

/** Adds a new newest signing secret; deliveries are signed with both secrets until one is revoked. */
export class RotateSigningSecretHandler implements CommandHandler<RotateSigningSecretCommand> {
  constructor(
    private readonly applications: ApplicationRepository,
    private readonly endpoints: EndpointRepository,
    private readonly secrets: SigningSecretRepository,
  ) {}

  async execute(command: RotateSigningSecretCommand, actor: Actor): Promise<RotatedSigningSecret> {
    await requireOwnedApplication(this.applications, actor.orgId, command.appId);
    const current = requireFound(await this.endpoints.findInApp(command.appId, command.endpointId));
    const { endpoint, newSecret } = rotateEndpointSecret(current);

    await this.secrets.replace(endpoint, current.version);

    return { endpoint, newSecret };
  }
}
