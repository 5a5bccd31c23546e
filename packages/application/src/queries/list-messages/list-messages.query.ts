import { Query } from '../../mediator/command';
import type { Page, PageRequest } from '../../ports/pagination';
import type { MessageFilters, MessageView } from '../../ports/repositories';

export class ListMessagesQuery extends Query<Page<MessageView>> {
  constructor(
    readonly appId: string,
    readonly page: PageRequest,
    readonly filters: MessageFilters,
  ) {
    super();
  }
}
