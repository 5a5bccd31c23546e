import type { EventType } from '@pigeon/domain';

import { Command } from '../../mediator/command';

export class UpdateEventTypeCommand extends Command<EventType> {
  readonly commandName = 'UpdateEventType';

  /** `schema` undefined keeps the stored schema; null clears it. */
  constructor(
    readonly appId: string,
    readonly eventTypeId: string,
    readonly name: string,
    readonly schema: unknown,
    readonly version: number,
  ) {
    super();
  }
}
