import { Query } from '../../mediator/command';
import type { MessageView } from '../../ports/repositories';

export class GetMessageQuery extends Query<MessageView> {
  constructor(
    readonly appId: string,
    readonly messageId: string,
  ) {
    super();
  }
}
