import type { Organization } from '@pigeon/domain';

import { Command } from '../../mediator/command';

/** Creates an organization together with the OIDC config its users sign in with. */
export class CreateOrganizationCommand extends Command<Organization> {
  readonly commandName = 'CreateOrganization';

  constructor(
    readonly name: string,
    readonly slug: string,
    readonly oidcIssuerUrl: string,
    readonly oidcAudience: string,
    readonly oidcJwksUrl: string,
  ) {
    super();
  }
}
