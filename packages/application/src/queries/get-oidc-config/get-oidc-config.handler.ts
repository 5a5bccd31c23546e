import type { OidcConfig } from '@pigeon/domain';

import type { QueryHandler } from '../../mediator/command';
import type { OidcConfigRegistry } from '../../ports/tenancy';
import { requireFound } from '../../shared/ownership';
import type { GetOidcConfigQuery } from './get-oidc-config.query';

/** Finds a config within one organization, so a config of another one reads as not found. */
export class GetOidcConfigHandler implements QueryHandler<GetOidcConfigQuery> {
  constructor(private readonly oidcConfigs: OidcConfigRegistry) {}

  async execute(query: GetOidcConfigQuery): Promise<OidcConfig> {
    return requireFound(await this.oidcConfigs.findInOrg(query.orgId, query.configId));
  }
}
