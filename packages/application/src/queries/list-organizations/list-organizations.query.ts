import type { Organization } from '@pigeon/domain';

import { Query } from '../../mediator/command';
import type { Page, PageRequest } from '../../ports/pagination';

export class ListOrganizationsQuery extends Query<Page<Organization>> {
  constructor(readonly page: PageRequest) {
    super();
  }
}
