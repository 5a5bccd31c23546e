import type { DeadLetter } from '@pigeon/domain';

import { Query } from '../../mediator/command';

export class GetDeadLetterQuery extends Query<DeadLetter> {
  constructor(
    readonly appId: string,
    readonly deadLetterId: string,
  ) {
    super();
  }
}
