import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  type Actor,
  CommandBus,
  CreateEventTypeCommand,
  DeleteEventTypeCommand,
  GetEventTypeQuery,
  ListEventTypesQuery,
  QueryBus,
  UpdateEventTypeCommand,
} from '@pigeon/application';

import { CurrentActor } from '../auth/current-actor.decorator';
import { CreateEventTypeRequest, UpdateEventTypeRequest } from '../dto/requests.dto';
import { parsePage, UuidPipe } from '../http/validation';
import { eventTypeResponse, pageResponse } from '../presenters/responses';

@Controller('api/v1/applications/:app_id/event-types')
export class EventTypesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Body() body: CreateEventTypeRequest) {
    const eventType = await this.commands.execute(new CreateEventTypeCommand(appId, body.name, body.schema ?? null), actor);

    return eventTypeResponse(eventType);
  }

  @Get()
  async list(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Query() query: Record<string, unknown>) {
    const page = await this.queries.execute(new ListEventTypesQuery(appId, parsePage(query)), actor);

    return pageResponse(page, eventTypeResponse);
  }

  @Get(':id')
  async get(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Param('id', UuidPipe) id: string) {
    return eventTypeResponse(await this.queries.execute(new GetEventTypeQuery(appId, id), actor));
  }

  @Put(':id')
  async update(
    @CurrentActor() actor: Actor,
    @Param('app_id', UuidPipe) appId: string,
    @Param('id', UuidPipe) id: string,
    @Body() body: UpdateEventTypeRequest,
  ) {
    const command = new UpdateEventTypeCommand(appId, id, body.name, body.schema, body.version);

    return eventTypeResponse(await this.commands.execute(command, actor));
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.commands.execute(new DeleteEventTypeCommand(appId, id), actor);
  }
}
