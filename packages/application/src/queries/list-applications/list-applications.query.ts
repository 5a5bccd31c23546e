import type { Application } from '@pigeon/domain';

import { Query } from '../../mediator/command';
import type { Page, PageRequest } from '../../ports/pagination';

export class ListApplicationsQuery extends Query<Page<Application>> {
  constructor(
    readonly page: PageRequest,
    readonly search: string | null,
  ) {
    super();
  }
}
