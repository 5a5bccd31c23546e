import { createOidcConfig, type OidcConfig } from '@pigeon/domain';

import type { CommandHandler } from '../../mediator/command';
import type { Clock } from '../../ports/clock';
import type { OidcConfigRegistry, OrganizationRegistry } from '../../ports/tenancy';
import { requireFound } from '../../shared/ownership';
import type { CreateOidcConfigCommand } from './create-oidc-config.command';

export class CreateOidcConfigHandler implements CommandHandler<CreateOidcConfigCommand> {
  constructor(
    private readonly organizations: OrganizationRegistry,
    private readonly oidcConfigs: OidcConfigRegistry,
    private readonly clock: Clock,
  ) {}

  async execute(command: CreateOidcConfigCommand): Promise<OidcConfig> {
    const organization = requireFound(await this.organizations.findById(command.orgId));
    const config = createOidcConfig({
      orgId: organization.id,
      issuerUrl: command.issuerUrl,
      audience: command.audience,
      jwksUrl: command.jwksUrl,
      now: this.clock.now(),
    });

    await this.oidcConfigs.insert(config);

    return config;
  }
}
