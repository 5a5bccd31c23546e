import type { Application } from '@pigeon/domain';

import { Command } from '../../mediator/command';

export class UpdateApplicationCommand extends Command<Application> {
  readonly commandName = 'UpdateApplication';

  constructor(
    readonly appId: string,
    readonly name: string,
    readonly version: number,
  ) {
    super();
  }
}
