import type { EventType } from '@pigeon/domain';

import { Query } from '../../mediator/command';

export class GetEventTypeQuery extends Query<EventType> {
  constructor(
    readonly appId: string,
    readonly eventTypeId: string,
  ) {
    super();
  }
}
