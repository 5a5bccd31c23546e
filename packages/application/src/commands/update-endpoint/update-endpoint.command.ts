import type { Endpoint } from '@pigeon/domain';

import { Command } from '../../mediator/command';

export class UpdateEndpointCommand extends Command<Endpoint> {
  readonly commandName = 'UpdateEndpoint';

  constructor(
    readonly appId: string,
    readonly endpointId: string,
    readonly url: string,
    readonly eventTypeIds: readonly string[],
    readonly version: number,
    readonly name: string | null,
    readonly enabled: boolean | null,
  ) {
    super();
  }
}
