import type { Message } from '@pigeon/domain';

import { Command } from '../../mediator/command';

export class SendTestEventCommand extends Command<Message> {
  readonly commandName = 'SendTestEvent';

  constructor(
    readonly appId: string,
    readonly endpointId: string,
  ) {
    super();
  }
}
