import { Command } from '../../mediator/command';

export class DeleteEndpointCommand extends Command<void> {
  readonly commandName = 'DeleteEndpoint';

  constructor(
    readonly appId: string,
    readonly endpointId: string,
  ) {
    super();
  }
}
