import { Command } from '../../mediator/command';

export class DeleteEventTypeCommand extends Command<void> {
  readonly commandName = 'DeleteEventType';

  constructor(
    readonly appId: string,
    readonly eventTypeId: string,
  ) {
    super();
  }
}
