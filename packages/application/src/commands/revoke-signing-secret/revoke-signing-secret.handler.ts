import { revokeEndpointSecret } from '@pigeon/domain';

import type { Actor, CommandHandler } from '../../mediator/command';
import type { SigningSecretRepository } from '../../ports/operations';
import type { ApplicationRepository, EndpointRepository } from '../../ports/repositories';
import { requireFound, requireOwnedApplication } from '../../shared/ownership';
import type { RevokeSigningSecretCommand } from './revoke-signing-secret.command';

/** Removes one signing secret of an endpoint; the last one always stays. */
export class RevokeSigningSecretHandler implements CommandHandler<RevokeSigningSecretCommand> {
  constructor(
    private readonly applications: ApplicationRepository,
    private readonly endpoints: EndpointRepository,
    private readonly secrets: SigningSecretRepository,
  ) {}

  async execute(command: RevokeSigningSecretCommand, actor: Actor): Promise<void> {
    await requireOwnedApplication(this.applications, actor.orgId, command.appId);
    const current = requireFound(await this.endpoints.findInApp(command.appId, command.endpointId));
    const updated = revokeEndpointSecret(current, command.index);

    await this.secrets.replace(updated, current.version);
  }
}
