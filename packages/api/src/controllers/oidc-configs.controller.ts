import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  type Actor,
  CommandBus,
  CreateOidcConfigCommand,
  DeleteOidcConfigCommand,
  ListOidcConfigsQuery,
  QueryBus,
} from '@pigeon/application';

import { CurrentActor } from '../auth/current-actor.decorator';
import { CreateOidcConfigRequest, OidcConfigResponse, PaginatedOidcConfigResponse } from '../dto/tenancy.dto';
import { ApiErrorResponses, ApiPageQuery, ApiUuidParams } from '../http/openapi';
import { parsePage, UuidPipe } from '../http/validation';
import { pageResponse } from '../presenters/responses';
import { oidcConfigResponse } from '../presenters/tenancy.responses';

/** The caller organization's own OIDC configs. The organization always comes from the token, never from the request. */
@ApiTags('oidc-configs')
@ApiBearerAuth()
@Controller('api/v1/oidc-configs')
export class OidcConfigsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'list_my_oidc_configs', summary: "List the caller organization's OIDC configs, newest first" })
  @ApiPageQuery()
  @ApiOkResponse({ type: PaginatedOidcConfigResponse })
  @ApiErrorResponses(400, 401, 503)
  async list(@CurrentActor() actor: Actor, @Query() query: Record<string, unknown>) {
    const page = await this.queries.execute(new ListOidcConfigsQuery(actor.orgId, parsePage(query)), actor);

    return pageResponse(page, oidcConfigResponse);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({
    operationId: 'create_my_oidc_config',
    summary: 'Add an OIDC config to the caller organization',
    description: 'Issuer and JWKS URLs must be absolute http(s) URLs. An issuer and audience pair can belong to one config only.',
  })
  @ApiCreatedResponse({ type: OidcConfigResponse })
  @ApiErrorResponses(400, 401, 413, 415, 503)
  async create(@CurrentActor() actor: Actor, @Body() body: CreateOidcConfigRequest) {
    const command = new CreateOidcConfigCommand(actor.orgId, body.issuer_url, body.audience, body.jwks_url);

    return oidcConfigResponse(await this.commands.execute(command, actor));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'delete_my_oidc_config',
    summary: 'Delete an OIDC config of the caller organization',
    description: 'Tokens of the deleted config are rejected from then on. The last config of an organization cannot be deleted (400).',
  })
  @ApiUuidParams('id')
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiErrorResponses(400, 401, 404, 503)
  async delete(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.commands.execute(new DeleteOidcConfigCommand(actor.orgId, id), actor);
  }
}
