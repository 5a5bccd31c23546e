import type { OidcConfig } from '@pigeon/domain';

import type { QueryHandler } from '../../mediator/command';
import type { Page } from '../../ports/pagination';
import type { OidcConfigRegistry, OrganizationRegistry } from '../../ports/tenancy';
import { requireFound } from '../../shared/ownership';
import type { ListOidcConfigsQuery } from './list-oidc-configs.query';

/** Lists an organization's configs. An unknown organization is not found rather than an empty list. */
export class ListOidcConfigsHandler implements QueryHandler<ListOidcConfigsQuery> {
  constructor(
    private readonly organizations: OrganizationRegistry,
    private readonly oidcConfigs: OidcConfigRegistry,
  ) {}

  async execute(query: ListOidcConfigsQuery): Promise<Page<OidcConfig>> {
    const organization = requireFound(await this.organizations.findById(query.orgId));

    return this.oidcConfigs.listInOrg(organization.id, query.page);
  }
}
