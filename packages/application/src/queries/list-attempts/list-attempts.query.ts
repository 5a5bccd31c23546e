import type { Attempt } from '@pigeon/domain';

import { Query } from '../../mediator/command';

export class ListAttemptsQuery extends Query<Attempt[]> {
  constructor(
    readonly appId: string,
    readonly messageId: string,
  ) {
    super();
  }
}
