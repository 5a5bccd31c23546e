import type { Application } from '@pigeon/domain';

import { Query } from '../../mediator/command';

export class GetApplicationQuery extends Query<Application> {
  constructor(readonly appId: string) {
    super();
  }
}
