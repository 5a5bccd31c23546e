import { Command } from '../../mediator/command';

export class DeleteApplicationCommand extends Command<void> {
  readonly commandName = 'DeleteApplication';

  constructor(readonly appId: string) {
    super();
  }
}
