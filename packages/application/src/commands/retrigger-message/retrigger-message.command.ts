import { Command } from '../../mediator/command';

export interface RetriggerResult {
  readonly messageId: string;
  readonly attemptsCreated: number;
}

export class RetriggerMessageCommand extends Command<RetriggerResult> {
  readonly commandName = 'RetriggerMessage';

  constructor(
    readonly appId: string,
    readonly messageId: string,
  ) {
    super();
  }
}
