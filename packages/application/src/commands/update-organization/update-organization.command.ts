import type { Organization } from '@pigeon/domain';

import { Command } from '../../mediator/command';

export class UpdateOrganizationCommand extends Command<Organization> {
  readonly commandName = 'UpdateOrganization';

  constructor(
    readonly orgId: string,
    readonly name: string,
    readonly version: number,
  ) {
    super();
  }
}
