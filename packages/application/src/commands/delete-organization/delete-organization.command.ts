import { Command } from '../../mediator/command';

export class DeleteOrganizationCommand extends Command<void> {
  readonly commandName = 'DeleteOrganization';

  constructor(readonly orgId: string) {
    super();
  }
}
