import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
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
import { EventTypeResponse, PaginatedEventTypeResponse } from '../dto/responses.dto';
import { ApiErrorResponses, ApiPageQuery, ApiUuidParams } from '../http/openapi';
import { parsePage, UuidPipe } from '../http/validation';
import { eventTypeResponse, pageResponse } from '../presenters/responses';

@ApiTags('event-types')
@ApiBearerAuth()
@ApiUuidParams('app_id')
@Controller('api/v1/applications/:app_id/event-types')
export class EventTypesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ operationId: 'create_event_type', summary: 'Create an event type' })
  @ApiCreatedResponse({ type: EventTypeResponse })
  @ApiErrorResponses(400, 401, 404, 413, 415, 503)
  async create(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Body() body: CreateEventTypeRequest) {
    const eventType = await this.commands.execute(new CreateEventTypeCommand(appId, body.name, body.schema ?? null), actor);

    return eventTypeResponse(eventType);
  }

  @Get()
  @ApiOperation({ operationId: 'list_event_types', summary: 'List event types, newest first' })
  @ApiPageQuery()
  @ApiOkResponse({ type: PaginatedEventTypeResponse })
  @ApiErrorResponses(400, 401, 404, 503)
  async list(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Query() query: Record<string, unknown>) {
    const page = await this.queries.execute(new ListEventTypesQuery(appId, parsePage(query)), actor);

    return pageResponse(page, eventTypeResponse);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'get_event_type', summary: 'Get an event type' })
  @ApiUuidParams('id')
  @ApiOkResponse({ type: EventTypeResponse })
  @ApiErrorResponses(400, 401, 404, 503)
  async get(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Param('id', UuidPipe) id: string) {
    return eventTypeResponse(await this.queries.execute(new GetEventTypeQuery(appId, id), actor));
  }

  @Put(':id')
  @ApiOperation({ operationId: 'update_event_type', summary: 'Replace the name and schema of an event type' })
  @ApiUuidParams('id')
  @ApiOkResponse({ type: EventTypeResponse })
  @ApiErrorResponses(400, 401, 404, 409, 413, 415, 503)
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
  @ApiOperation({ operationId: 'delete_event_type', summary: 'Delete an event type with its messages' })
  @ApiUuidParams('id')
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiErrorResponses(400, 401, 404, 503)
  async delete(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.commands.execute(new DeleteEventTypeCommand(appId, id), actor);
  }
}
