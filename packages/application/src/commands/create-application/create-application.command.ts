import type { Application } from '@pigeon/domain';

import { Command } from '../../mediator/command';

export class CreateApplicationCommand extends Command<Application> {
  readonly commandName = 'CreateApplication';

  constructor(
    readonly name: string,
    readonly uid: string,
  ) {
    super();
  }
}
