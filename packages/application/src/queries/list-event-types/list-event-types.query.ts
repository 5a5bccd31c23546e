import type { EventType } from '@pigeon/domain';

import { Query } from '../../mediator/command';
import type { Page, PageRequest } from '../../ports/pagination';

export class ListEventTypesQuery extends Query<Page<EventType>> {
  constructor(
    readonly appId: string,
    readonly page: PageRequest,
  ) {
    super();
  }
}
