import { Command } from '../../mediator/command';
import type { SendResult } from '../../ports/repositories';

export class SendMessageCommand extends Command<SendResult> {
  readonly commandName = 'SendMessage';

  /** `payloadJson` is the payload's JSON text exactly as the client wrote it. */
  constructor(
    readonly appId: string,
    readonly eventTypeId: string,
    readonly payloadJson: string,
    readonly idempotencyKey: string | null,
  ) {
    super();
  }
}
