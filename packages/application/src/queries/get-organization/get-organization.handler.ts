import type { Organization } from '@pigeon/domain';

import type { QueryHandler } from '../../mediator/command';
import type { OrganizationRegistry } from '../../ports/tenancy';
import { requireFound } from '../../shared/ownership';
import type { GetOrganizationQuery } from './get-organization.query';

export class GetOrganizationHandler implements QueryHandler<GetOrganizationQuery> {
  constructor(private readonly organizations: OrganizationRegistry) {}

  async execute(query: GetOrganizationQuery): Promise<Organization> {
    return requireFound(await this.organizations.findById(query.orgId));
  }
}
