import type { Organization } from '@pigeon/domain';

import type { QueryHandler } from '../../mediator/command';
import type { Page } from '../../ports/pagination';
import type { OrganizationRegistry } from '../../ports/tenancy';
import type { ListOrganizationsQuery } from './list-organizations.query';

export class ListOrganizationsHandler implements QueryHandler<ListOrganizationsQuery> {
  constructor(private readonly organizations: OrganizationRegistry) {}

  execute(query: ListOrganizationsQuery): Promise<Page<Organization>> {
    return this.organizations.list(query.page);
  }
}
