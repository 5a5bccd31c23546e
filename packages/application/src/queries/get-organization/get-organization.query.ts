import type { Organization } from '@pigeon/domain';

import { Query } from '../../mediator/command';

export class GetOrganizationQuery extends Query<Organization> {
  constructor(readonly orgId: string) {
    super();
  }
}
