import { PigeonError } from '@pigeon/domain';

import type { Actor, CommandHandler } from '../../mediator/command';
import type { OrganizationRegistry } from '../../ports/tenancy';
import { requireFound } from '../../shared/ownership';
import type { DeleteOrganizationCommand } from './delete-organization.command';

/**
 * Deletes an organization that has no applications left. The database would
 * cascade to every application with its messages, but one mistyped id must not
 * wipe out a tenant, so the applications have to be deleted first.
 */
export class DeleteOrganizationHandler implements CommandHandler<DeleteOrganizationCommand> {
  constructor(private readonly organizations: OrganizationRegistry) {}

  async execute(command: DeleteOrganizationCommand, actor: Actor): Promise<void> {
    const organization = requireFound(await this.organizations.lockById(command.orgId));

    // Only admins send this command, so the caller's own organization is the admin
    // organization. Deleting it would lock every admin out.
    if (organization.id === actor.orgId) {
      throw PigeonError.validation('the admin organization cannot be deleted');
    }

    const applications = await this.organizations.countApplications(organization.id);
    if (applications > 0) {
      const noun = applications === 1 ? 'application' : 'applications';
      throw PigeonError.conflict(`organization still has ${applications} ${noun}; delete them first`);
    }

    await this.organizations.delete(organization.id);
  }
}
