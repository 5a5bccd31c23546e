import { Command } from '../../mediator/command';

export class RevokeSigningSecretCommand extends Command<void> {
  readonly commandName = 'RevokeSigningSecret';

  /** `index` 0 is the newest secret. */
  constructor(
    readonly appId: string,
    readonly endpointId: string,
    readonly index: number,
  ) {
    super();
  }
}
