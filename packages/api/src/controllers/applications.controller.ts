import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
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
import { parseOptionalText, parsePage, UuidPipe } from '../http/validation';
import { applicationResponse, pageResponse } from '../presenters/responses';

@Controller('api/v1/applications')
export class ApplicationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@CurrentActor() actor: Actor, @Body() body: CreateApplicationRequest) {
    const application = await this.commands.execute(new CreateApplicationCommand(body.name, body.uid), actor);

    return applicationResponse(application);
  }

  @Get()
  async list(@CurrentActor() actor: Actor, @Query() query: Record<string, unknown>) {
    const search = parseOptionalText('search', query.search);
    const page = await this.queries.execute(new ListApplicationsQuery(parsePage(query), search), actor);

    return pageResponse(page, applicationResponse);
  }

  @Get(':id')
  async get(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return applicationResponse(await this.queries.execute(new GetApplicationQuery(id), actor));
  }

  @Put(':id')
  async update(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() body: UpdateApplicationRequest) {
    const application = await this.commands.execute(new UpdateApplicationCommand(id, body.name, body.version), actor);

    return applicationResponse(application);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.commands.execute(new DeleteApplicationCommand(id), actor);
  }
}
