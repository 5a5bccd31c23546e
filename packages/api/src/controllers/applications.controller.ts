import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  type Actor,
  CommandBus,
  CreateApplicationCommand,
  DeleteApplicationCommand,
  GetApplicationQuery,
  ListApplicationsQuery,
  QueryBus,
  UpdateApplicationCommand,
} from '@pigeon/application';

import { CurrentActor } from '../auth/current-actor.decorator';
import { CreateApplicationRequest, UpdateApplicationRequest } from '../dto/requests.dto';
import { ApplicationResponse, PaginatedApplicationResponse } from '../dto/responses.dto';
import { ApiErrorResponses, ApiPageQuery, ApiUuidParams } from '../http/openapi';
import { parseOptionalText, parsePage, UuidPipe } from '../http/validation';
import { applicationResponse, pageResponse } from '../presenters/responses';

@ApiTags('applications')
@ApiBearerAuth()
@Controller('api/v1/applications')
export class ApplicationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ operationId: 'create_application', summary: 'Create an application' })
  @ApiCreatedResponse({ type: ApplicationResponse })
  @ApiErrorResponses(400, 401, 413, 415, 503)
  async create(@CurrentActor() actor: Actor, @Body() body: CreateApplicationRequest) {
    const application = await this.commands.execute(new CreateApplicationCommand(body.name, body.uid), actor);

    return applicationResponse(application);
  }

  @Get()
  @ApiOperation({ operationId: 'list_applications', summary: 'List applications, newest first' })
  @ApiPageQuery()
  @ApiQuery({
    name: 'search',
    required: false,
    description: 'Case-insensitive substring of the name or uid.',
    schema: { type: 'string', maxLength: 256 },
  })
  @ApiOkResponse({ type: PaginatedApplicationResponse })
  @ApiErrorResponses(400, 401, 503)
  async list(@CurrentActor() actor: Actor, @Query() query: Record<string, unknown>) {
    const search = parseOptionalText('search', query.search);
    const page = await this.queries.execute(new ListApplicationsQuery(parsePage(query), search), actor);

    return pageResponse(page, applicationResponse);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'get_application', summary: 'Get an application' })
  @ApiUuidParams('id')
  @ApiOkResponse({ type: ApplicationResponse })
  @ApiErrorResponses(400, 401, 404, 503)
  async get(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return applicationResponse(await this.queries.execute(new GetApplicationQuery(id), actor));
  }

  @Put(':id')
  @ApiOperation({ operationId: 'update_application', summary: 'Rename an application' })
  @ApiUuidParams('id')
  @ApiOkResponse({ type: ApplicationResponse })
  @ApiErrorResponses(400, 401, 404, 409, 413, 415, 503)
  async update(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() body: UpdateApplicationRequest) {
    const application = await this.commands.execute(new UpdateApplicationCommand(id, body.name, body.version), actor);

    return applicationResponse(application);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ operationId: 'delete_application', summary: 'Delete an application with everything it contains' })
  @ApiUuidParams('id')
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiErrorResponses(400, 401, 404, 503)
  async delete(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.commands.execute(new DeleteApplicationCommand(id), actor);
  }
}
