import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  type Actor,
  CommandBus,
  CreateEndpointCommand,
  DeleteEndpointCommand,
  GetEndpointQuery,
  ListEndpointsQuery,
  QueryBus,
  UpdateEndpointCommand,
} from '@pigeon/application';

import { CurrentActor } from '../auth/current-actor.decorator';
import { CreateEndpointRequest, UpdateEndpointRequest } from '../dto/requests.dto';
import { parsePage, UuidPipe } from '../http/validation';
import { createdEndpointResponse, endpointResponse, pageResponse } from '../presenters/responses';

@Controller('api/v1/applications/:app_id/endpoints')
export class EndpointsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Body() body: CreateEndpointRequest) {
    const command = new CreateEndpointCommand(appId, body.name ?? null, body.url, normaliseIds(body.event_type_ids));

    return createdEndpointResponse(await this.commands.execute(command, actor));
  }

  @Get()
  async list(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Query() query: Record<string, unknown>) {
    const page = await this.queries.execute(new ListEndpointsQuery(appId, parsePage(query)), actor);

    return pageResponse(page, endpointResponse);
  }

  @Get(':id')
  async get(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Param('id', UuidPipe) id: string) {
    return endpointResponse(await this.queries.execute(new GetEndpointQuery(appId, id), actor));
  }

  @Put(':id')
  async update(
    @CurrentActor() actor: Actor,
    @Param('app_id', UuidPipe) appId: string,
    @Param('id', UuidPipe) id: string,
    @Body() body: UpdateEndpointRequest,
  ) {
    const command = new UpdateEndpointCommand(
      appId,
      id,
      body.url,
      normaliseIds(body.event_type_ids),
      body.version,
      body.name ?? null,
      body.enabled ?? null,
    );

    return endpointResponse(await this.commands.execute(command, actor));
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.commands.execute(new DeleteEndpointCommand(appId, id), actor);
  }
}

function normaliseIds(ids: readonly string[]): string[] {
  return ids.map((id) => id.toLowerCase());
}
