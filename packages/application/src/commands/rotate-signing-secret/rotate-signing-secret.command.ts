import type { Endpoint } from '@pigeon/domain';

import { Command } from '../../mediator/command';

export interface RotatedSigningSecret {
  readonly endpoint: Endpoint;
  /** The full new secret; only this response ever shows it. */
  readonly newSecret: string;
}

export class RotateSigningSecretCommand extends Command<RotatedSigningSecret> {
  readonly commandName = 'RotateSigningSecret';

  constructor(
    readonly appId: string,
    readonly endpointId: string,
  ) {
    super();
  }
}
