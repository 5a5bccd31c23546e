import type { Endpoint } from '@pigeon/domain';

import { Command } from '../../mediator/command';

export class CreateEndpointCommand extends Command<Endpoint> {
  readonly commandName = 'CreateEndpoint';

  constructor(
    readonly appId: string,
    readonly name: string | null,
    readonly url: string,
    readonly eventTypeIds: readonly string[],
  ) {
    super();
  }
}
