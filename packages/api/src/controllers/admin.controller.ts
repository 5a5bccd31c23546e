import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  type Actor,
  CommandBus,
  CreateOidcConfigCommand,
  CreateOrganizationCommand,
  DeleteOidcConfigCommand,
  DeleteOrganizationCommand,
  GetOidcConfigQuery,
  GetOrganizationQuery,
  ListOidcConfigsQuery,
  ListOrganizationsQuery,
  QueryBus,
  UpdateOrganizationCommand,
} from '@pigeon/application';

import { AdminGuard } from '../auth/admin.guard';
import { CurrentActor } from '../auth/current-actor.decorator';
import {
  CreateOidcConfigRequest,
  CreateOrganizationRequest,
  OidcConfigResponse,
  OrganizationResponse,
  PaginatedOidcConfigResponse,
  PaginatedOrganizationResponse,
  UpdateOrganizationRequest,
} from '../dto/tenancy.dto';
import { ApiErrorResponses, ApiPageQuery, ApiUuidParams } from '../http/openapi';
import { parsePage, UuidPipe } from '../http/validation';
import { pageResponse } from '../presenters/responses';
import { oidcConfigResponse, organizationResponse } from '../presenters/tenancy.responses';

/**
 * Organizations and their OIDC configs, for users of the admin organization
 * only. Actions are audited under the admin organization, not the one changed.
 */
@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@Controller('admin/v1/organizations')
export class AdminController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    operationId: 'create_organization',
    summary: 'Create an organization with its first OIDC config',
    description: 'Both are created in one transaction. A taken slug, or an issuer and audience pair of another config, is a 400.',
  })
  @ApiCreatedResponse({ type: OrganizationResponse })
  @ApiErrorResponses(400, 401, 403, 413, 415, 503)
  async createOrganization(@CurrentActor() actor: Actor, @Body() body: CreateOrganizationRequest) {
    const command = new CreateOrganizationCommand(body.name, body.slug, body.oidc_issuer_url, body.oidc_audience, body.oidc_jwks_url);

    return organizationResponse(await this.commands.execute(command, actor));
  }

  @Get()
  @ApiOperation({ operationId: 'list_organizations', summary: 'List all organizations, newest first' })
  @ApiPageQuery()
  @ApiOkResponse({ type: PaginatedOrganizationResponse })
  @ApiErrorResponses(400, 401, 403, 503)
  async listOrganizations(@CurrentActor() actor: Actor, @Query() query: Record<string, unknown>) {
    const page = await this.queries.execute(new ListOrganizationsQuery(parsePage(query)), actor);

    return pageResponse(page, organizationResponse);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'get_organization', summary: 'Get an organization' })
  @ApiUuidParams('id')
  @ApiOkResponse({ type: OrganizationResponse })
  @ApiErrorResponses(400, 401, 403, 404, 503)
  async getOrganization(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return organizationResponse(await this.queries.execute(new GetOrganizationQuery(id), actor));
  }

  @Put(':id')
  @ApiOperation({
    operationId: 'update_organization',
    summary: 'Rename an organization',
    description: 'The slug cannot change. Checks run in this order: unknown organization 404, stale version 409, blank name 400.',
  })
  @ApiUuidParams('id')
  @ApiOkResponse({ type: OrganizationResponse })
  @ApiErrorResponses(400, 401, 403, 404, 409, 413, 415, 503)
  async updateOrganization(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() body: UpdateOrganizationRequest) {
    const organization = await this.commands.execute(new UpdateOrganizationCommand(id, body.name, body.version), actor);

    return organizationResponse(organization);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'delete_organization',
    summary: 'Delete an organization that has no applications',
    description:
      'Deletes the organization and its OIDC configs. An organization that still has applications is not deleted: ' +
      'the answer is 409 until they are deleted one by one, because a cascading delete would remove a whole tenant ' +
      'with its messages after a single mistyped id. The admin organization itself cannot be deleted (400).',
  })
  @ApiUuidParams('id')
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiErrorResponses(400, 401, 403, 404, 409, 503)
  async deleteOrganization(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.commands.execute(new DeleteOrganizationCommand(id), actor);
  }

  @Post(':org_id/oidc-configs')
  @HttpCode(201)
  @ApiOperation({
    operationId: 'create_oidc_config',
    summary: 'Add an OIDC config to an organization',
    description: 'Issuer and JWKS URLs must be absolute http(s) URLs. An issuer and audience pair can belong to one config only.',
  })
  @ApiUuidParams('org_id')
  @ApiCreatedResponse({ type: OidcConfigResponse })
  @ApiErrorResponses(400, 401, 403, 404, 413, 415, 503)
  async createOidcConfig(@CurrentActor() actor: Actor, @Param('org_id', UuidPipe) orgId: string, @Body() body: CreateOidcConfigRequest) {
    const command = new CreateOidcConfigCommand(orgId, body.issuer_url, body.audience, body.jwks_url);

    return oidcConfigResponse(await this.commands.execute(command, actor));
  }

  @Get(':org_id/oidc-configs')
  @ApiOperation({ operationId: 'list_oidc_configs', summary: "List an organization's OIDC configs, newest first" })
  @ApiPageQuery()
  @ApiUuidParams('org_id')
  @ApiOkResponse({ type: PaginatedOidcConfigResponse })
  @ApiErrorResponses(400, 401, 403, 404, 503)
  async listOidcConfigs(@CurrentActor() actor: Actor, @Param('org_id', UuidPipe) orgId: string, @Query() query: Record<string, unknown>) {
    const page = await this.queries.execute(new ListOidcConfigsQuery(orgId, parsePage(query)), actor);

    return pageResponse(page, oidcConfigResponse);
  }

  @Get(':org_id/oidc-configs/:id')
  @ApiOperation({ operationId: 'get_oidc_config', summary: 'Get an OIDC config of an organization' })
  @ApiUuidParams('org_id', 'id')
  @ApiOkResponse({ type: OidcConfigResponse })
  @ApiErrorResponses(400, 401, 403, 404, 503)
  async getOidcConfig(@CurrentActor() actor: Actor, @Param('org_id', UuidPipe) orgId: string, @Param('id', UuidPipe) id: string) {
    return oidcConfigResponse(await this.queries.execute(new GetOidcConfigQuery(orgId, id), actor));
  }

  @Delete(':org_id/oidc-configs/:id')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'delete_oidc_config',
    summary: 'Delete an OIDC config of an organization',
    description: 'The last config of an organization cannot be deleted (400).',
  })
  @ApiUuidParams('org_id', 'id')
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiErrorResponses(400, 401, 403, 404, 503)
  async deleteOidcConfig(@CurrentActor() actor: Actor, @Param('org_id', UuidPipe) orgId: string, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.commands.execute(new DeleteOidcConfigCommand(orgId, id), actor);
  }
}
