import { type Organization, renameOrganization } from '@pigeon/domain';

import type { CommandHandler } from '../../mediator/command';
import type { OrganizationRegistry } from '../../ports/tenancy';
import { requireFound } from '../../shared/ownership';
import type { UpdateOrganizationCommand } from './update-organization.command';

export class UpdateOrganizationHandler implements CommandHandler<UpdateOrganizationCommand> {
  constructor(private readonly organizations: OrganizationRegistry) {}

  async execute(command: UpdateOrganizationCommand): Promise<Organization> {
    const current = requireFound(await this.organizations.findById(command.orgId));
    const updated = renameOrganization(current, command.name, command.version);

    await this.organizations.update(updated, current.version);

    return updated;
  }
}
