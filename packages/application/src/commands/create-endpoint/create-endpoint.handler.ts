import { createEndpoint, type Endpoint } from '@pigeon/domain';

import type { Actor, CommandHandler } from '../../mediator/command';
import type { Clock } from '../../ports/clock';
import type { ApplicationRepository, EndpointRepository, EventTypeRepository } from '../../ports/repositories';
import { requireOwnedApplication } from '../../shared/ownership';
import { assertSubscribable } from '../../shared/subscriptions';
import type { CreateEndpointCommand } from './create-endpoint.command';

export class CreateEndpointHandler implements CommandHandler<CreateEndpointCommand> {
  constructor(
    private readonly applications: ApplicationRepository,
    private readonly eventTypes: EventTypeRepository,
    private readonly endpoints: EndpointRepository,
    private readonly clock: Clock,
  ) {}

  async execute(command: CreateEndpointCommand, actor: Actor): Promise<Endpoint> {
    await requireOwnedApplication(this.applications, actor.orgId, command.appId);
    const endpoint = createEndpoint({
      appId: command.appId,
      name: command.name,
      url: command.url,
      eventTypeIds: command.eventTypeIds,
      now: this.clock.now(),
    });
    await assertSubscribable(this.eventTypes, command.appId, endpoint.eventTypeIds);

    await this.endpoints.insert(endpoint);

    return endpoint;
  }
}
