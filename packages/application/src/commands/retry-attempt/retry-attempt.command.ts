import type { Attempt } from '@pigeon/domain';

import { Command } from '../../mediator/command';

export class RetryAttemptCommand extends Command<Attempt> {
  readonly commandName = 'RetryAttempt';

  constructor(
    readonly appId: string,
    readonly attemptId: string,
  ) {
    super();
  }
}
