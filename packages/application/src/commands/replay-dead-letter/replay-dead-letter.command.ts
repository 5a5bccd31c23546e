import type { DeadLetter } from '@pigeon/domain';

import { Command } from '../../mediator/command';

export class ReplayDeadLetterCommand extends Command<DeadLetter> {
  readonly commandName = 'ReplayDeadLetter';

  constructor(
    readonly appId: string,
    readonly deadLetterId: string,
  ) {
    super();
  }
}
