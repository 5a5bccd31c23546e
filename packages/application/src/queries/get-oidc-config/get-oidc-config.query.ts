import type { OidcConfig } from '@pigeon/domain';

import { Query } from '../../mediator/command';

export class GetOidcConfigQuery extends Query<OidcConfig> {
  constructor(
    readonly orgId: string,
    readonly configId: string,
  ) {
    super();
  }
}
