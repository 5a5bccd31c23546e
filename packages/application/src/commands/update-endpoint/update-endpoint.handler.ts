import { type Endpoint, updateEndpoint } from '@pigeon/domain';

import type { Actor, CommandHandler } from '../../mediator/command';
import type { ApplicationRepository, EndpointRepository, EventTypeRepository } from '../../ports/repositories';
import { requireFound, requireOwnedApplication } from '../../shared/ownership';
import { assertSubscribable } from '../../shared/subscriptions';
import type { UpdateEndpointCommand } from './update-endpoint.command';

export class UpdateEndpointHandler implements CommandHandler<UpdateEndpointCommand> {
  constructor(
    private readonly applications: ApplicationRepository,
    private readonly eventTypes: EventTypeRepository,
    private readonly endpoints: EndpointRepository,
  ) {}

  async execute(command: UpdateEndpointCommand, actor: Actor): Promise<Endpoint> {
    await requireOwnedApplication(this.applications, actor.orgId, command.appId);
    const current = requireFound(await this.endpoints.findInApp(command.appId, command.endpointId));
    const updated = updateEndpoint(current, {
      url: command.url,
      eventTypeIds: command.eventTypeIds,
      name: command.name,
      enabled: command.enabled,
      expectedVersion: command.version,
    });
    await assertSubscribable(this.eventTypes, command.appId, updated.eventTypeIds);

    await this.endpoints.update(updated, current.version);

    return updated;
  }
}
