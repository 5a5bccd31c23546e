import type { Endpoint } from '@pigeon/domain';

import { Query } from '../../mediator/command';

export class GetEndpointQuery extends Query<Endpoint> {
  constructor(
    readonly appId: string,
    readonly endpointId: string,
  ) {
    super();
  }
}
