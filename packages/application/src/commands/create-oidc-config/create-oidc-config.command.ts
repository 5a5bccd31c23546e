import type { OidcConfig } from '@pigeon/domain';

import { Command } from '../../mediator/command';

/**
 * Adds an OIDC config to `orgId`: the caller's own organization on the tenant
 * API, the organization in the path on the admin API.
 */
export class CreateOidcConfigCommand extends Command<OidcConfig> {
  readonly commandName = 'CreateOidcConfig';

  constructor(
    readonly orgId: string,
    readonly issuerUrl: string,
    readonly audience: string,
    readonly jwksUrl: string,
  ) {
    super();
  }
}
