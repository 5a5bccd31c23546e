import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import {
  type Actor,
  CommandBus,
  CreateEndpointCommand,
  DeleteEndpointCommand,
  GetEndpointQuery,
  ListEndpointsQuery,
  QueryBus,
  RevokeSigningSecretCommand,
  RotateSigningSecretCommand,
  SendTestEventCommand,
  UpdateEndpointCommand,
} from '@pigeon/application';

import { CurrentActor } from '../auth/current-actor.decorator';
import { RotateSigningSecretResponse, SendTestEventResponse } from '../dto/operations.dto';
import { CreateEndpointRequest, UpdateEndpointRequest } from '../dto/requests.dto';
import { CreatedEndpointResponse, EndpointResponse, PaginatedEndpointResponse } from '../dto/responses.dto';
import { NonNegativeIntegerPipe } from '../http/index-pipe';
import { ApiErrorResponses, ApiPageQuery, ApiUuidParams } from '../http/openapi';
import { parsePage, UuidPipe } from '../http/validation';
import { rotatedSigningSecretResponse, testEventResponse } from '../presenters/operations.responses';
import { createdEndpointResponse, endpointResponse, pageResponse } from '../presenters/responses';

@Controller('api/v1/applications/:app_id/endpoints')
export class EndpointsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiTags('endpoints')
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'create_endpoint', summary: 'Create an endpoint with a new signing secret' })
  @ApiUuidParams('app_id')
  @ApiCreatedResponse({ type: CreatedEndpointResponse })
  @ApiErrorResponses(400, 401, 404, 413, 415, 503)
  async create(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Body() body: CreateEndpointRequest) {
    const command = new CreateEndpointCommand(appId, body.name ?? null, body.url, normaliseIds(body.event_type_ids));

    return createdEndpointResponse(await this.commands.execute(command, actor));
  }

  @Get()
  @ApiTags('endpoints')
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'list_endpoints', summary: 'List endpoints, newest first' })
  @ApiUuidParams('app_id')
  @ApiPageQuery()
  @ApiOkResponse({ type: PaginatedEndpointResponse })
  @ApiErrorResponses(400, 401, 404, 503)
  async list(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Query() query: Record<string, unknown>) {
    const page = await this.queries.execute(new ListEndpointsQuery(appId, parsePage(query)), actor);

    return pageResponse(page, endpointResponse);
  }

  @Get(':id')
  @ApiTags('endpoints')
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'get_endpoint', summary: 'Get an endpoint' })
  @ApiUuidParams('app_id', 'id')
  @ApiOkResponse({ type: EndpointResponse })
  @ApiErrorResponses(400, 401, 404, 503)
  async get(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Param('id', UuidPipe) id: string) {
    return endpointResponse(await this.queries.execute(new GetEndpointQuery(appId, id), actor));
  }

  @Put(':id')
  @ApiTags('endpoints')
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'update_endpoint', summary: 'Update the URL, subscriptions, name or enabled state of an endpoint' })
  @ApiUuidParams('app_id', 'id')
  @ApiOkResponse({ type: EndpointResponse })
  @ApiErrorResponses(400, 401, 404, 409, 413, 415, 503)
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
  @ApiTags('endpoints')
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'delete_endpoint', summary: 'Delete an endpoint and stop its deliveries' })
  @ApiUuidParams('app_id', 'id')
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiErrorResponses(400, 401, 404, 503)
  async delete(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.commands.execute(new DeleteEndpointCommand(appId, id), actor);
  }

  @Post(':id/rotate')
  @HttpCode(200)
  @ApiTags('endpoints')
  @ApiBearerAuth()
  @ApiOperation({
    operationId: 'rotate_signing_secret',
    summary: 'Add a new signing secret',
    description: 'The new secret becomes the newest; deliveries carry a signature per secret until one is revoked. At most two secrets.',
  })
  @ApiUuidParams('app_id', 'id')
  @ApiOkResponse({ type: RotateSigningSecretResponse })
  @ApiErrorResponses(400, 401, 404, 409, 413, 415, 503)
  async rotateSecret(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Param('id', UuidPipe) id: string) {
    return rotatedSigningSecretResponse(await this.commands.execute(new RotateSigningSecretCommand(appId, id), actor));
  }

  @Delete(':id/secrets/:index')
  @HttpCode(204)
  @ApiTags('endpoints')
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'revoke_signing_secret', summary: 'Remove a signing secret', description: 'The last secret cannot be removed.' })
  @ApiUuidParams('app_id', 'id')
  @ApiParam({ name: 'index', schema: { type: 'integer', minimum: 0 }, description: 'Position of the secret, 0 for the newest.' })
  @ApiNoContentResponse({ description: 'The secret was removed.' })
  @ApiErrorResponses(400, 401, 404, 409, 503)
  async revokeSecret(
    @CurrentActor() actor: Actor,
    @Param('app_id', UuidPipe) appId: string,
    @Param('id', UuidPipe) id: string,
    @Param('index', NonNegativeIntegerPipe) index: number,
  ): Promise<void> {
    await this.commands.execute(new RevokeSigningSecretCommand(appId, id, index), actor);
  }

  @Post(':id/test')
  @HttpCode(201)
  @ApiTags('endpoints')
  @ApiBearerAuth()
  @ApiOperation({
    operationId: 'send_test_event',
    summary: 'Send a test event to one endpoint',
    description: 'Creates a `pigeon.test` message delivered only to this endpoint, even if it is disabled or not subscribed.',
  })
  @ApiUuidParams('app_id', 'id')
  @ApiCreatedResponse({ type: SendTestEventResponse })
  @ApiErrorResponses(400, 401, 404, 413, 415, 503)
  async sendTestEvent(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Param('id', UuidPipe) id: string) {
    return testEventResponse(await this.commands.execute(new SendTestEventCommand(appId, id), actor));
  }
}

function normaliseIds(ids: readonly string[]): string[] {
  return ids.map((id) => id.toLowerCase());
}
