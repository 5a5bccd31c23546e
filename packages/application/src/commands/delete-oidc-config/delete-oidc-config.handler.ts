import { PigeonError } from '@pigeon/domain';

import type { CommandHandler } from '../../mediator/command';
import type { OidcConfigRegistry, OrganizationRegistry } from '../../ports/tenancy';
import { requireFound } from '../../shared/ownership';
import type { DeleteOidcConfigCommand } from './delete-oidc-config.command';

/** Deletes an OIDC config unless it is the organization's last one, since nobody could sign in to it afterwards. */
export class DeleteOidcConfigHandler implements CommandHandler<DeleteOidcConfigCommand> {
  constructor(
    private readonly organizations: OrganizationRegistry,
    private readonly oidcConfigs: OidcConfigRegistry,
  ) {}

  async execute(command: DeleteOidcConfigCommand): Promise<void> {
    // The lock makes two concurrent deletes of an organization's last two configs
    // run one after the other, so the second one sees a single config left.
    const organization = requireFound(await this.organizations.lockById(command.orgId));
    requireFound(await this.oidcConfigs.findInOrg(organization.id, command.configId));

    if ((await this.oidcConfigs.countInOrg(organization.id)) <= 1) {
      throw PigeonError.validation('cannot delete the last OIDC config for an organization');
    }

    await this.oidcConfigs.delete(organization.id, command.configId);
  }
}
