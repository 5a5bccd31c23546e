import type { DeadLetter } from '@pigeon/domain';

import { Query } from '../../mediator/command';
import type { DeadLetterFilters } from '../../ports/operations';
import type { Page, PageRequest } from '../../ports/pagination';

export class ListDeadLettersQuery extends Query<Page<DeadLetter>> {
  constructor(
    readonly appId: string,
    readonly page: PageRequest,
    readonly filters: DeadLetterFilters,
  ) {
    super();
  }
}
