import { Command } from '../../mediator/command';

/** Deletes a config of `orgId`. A config of any other organization reads as not found. */
export class DeleteOidcConfigCommand extends Command<void> {
  readonly commandName = 'DeleteOidcConfig';

  constructor(
    readonly orgId: string,
    readonly configId: string,
  ) {
    super();
  }
}
