import { createOidcConfig, createOrganization, type Organization } from '@pigeon/domain';

import type { CommandHandler } from '../../mediator/command';
import type { Clock } from '../../ports/clock';
import type { OrganizationRegistry } from '../../ports/tenancy';
import type { CreateOrganizationCommand } from './create-organization.command';

export class CreateOrganizationHandler implements CommandHandler<CreateOrganizationCommand> {
  constructor(
    private readonly organizations: OrganizationRegistry,
    private readonly clock: Clock,
  ) {}

  async execute(command: CreateOrganizationCommand): Promise<Organization> {
    const now = this.clock.now();
    const organization = createOrganization({ name: command.name, slug: command.slug, now });
    const oidcConfig = createOidcConfig({
      orgId: organization.id,
      issuerUrl: command.oidcIssuerUrl,
      audience: command.oidcAudience,
      jwksUrl: command.oidcJwksUrl,
      now,
    });

    await this.organizations.insert(organization, oidcConfig);

    return organization;
  }
}
