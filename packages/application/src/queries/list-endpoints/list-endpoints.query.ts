import type { Endpoint } from '@pigeon/domain';

import { Query } from '../../mediator/command';
import type { Page, PageRequest } from '../../ports/pagination';

export class ListEndpointsQuery extends Query<Page<Endpoint>> {
  constructor(
    readonly appId: string,
    readonly page: PageRequest,
  ) {
    super();
  }
}
