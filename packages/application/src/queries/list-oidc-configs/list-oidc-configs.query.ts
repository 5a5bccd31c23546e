import type { OidcConfig } from '@pigeon/domain';

import { Query } from '../../mediator/command';
import type { Page, PageRequest } from '../../ports/pagination';

/** The configs of `orgId`: the caller's own organization on the tenant API, the one in the path on the admin API. */
export class ListOidcConfigsQuery extends Query<Page<OidcConfig>> {
  constructor(
    readonly orgId: string,
    readonly page: PageRequest,
  ) {
    super();
  }
}
