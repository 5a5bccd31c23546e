import type { EventType } from '@pigeon/domain';

import { Command } from '../../mediator/command';

export class CreateEventTypeCommand extends Command<EventType> {
  readonly commandName = 'CreateEventType';

  constructor(
    readonly appId: string,
    readonly name: string,
    readonly schema: unknown,
  ) {
    super();
  }
}
