import { Controller, Get, Headers } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, GetAuthConfigQuery, QueryBus } from '@pigeon/application';

import { AdminOrganization } from '../auth/admin-organization';
import { Public } from '../auth/public.decorator';
import { AuthConfigResponse } from '../dto/tenancy.dto';
import { ApiErrorResponses } from '../http/openapi';
import { authConfigResponse } from '../presenters/tenancy.responses';

/** Caller passed to the query bus, which requires one. This route has no caller, and its query reads no caller data. */
const ANONYMOUS: Actor = { orgId: '', subject: 'anonymous' };

@ApiTags('auth')
@Public()
@Controller('api/v1/auth/config')
export class AuthConfigController {
  constructor(
    private readonly queries: QueryBus,
    private readonly admin: AdminOrganization,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'get_auth_config',
    summary: 'OIDC settings for the sign-in page',
    description:
      'With PIGEON_BASE_DOMAIN set, a request to `<slug>.<base domain>` gets the newest OIDC config of the organization ' +
      'with that slug; any other host gets the one of the admin organization.',
  })
  @ApiOkResponse({ type: AuthConfigResponse })
  @ApiErrorResponses(404)
  async get(@Headers('host') host: string | undefined) {
    return authConfigResponse(await this.queries.execute(new GetAuthConfigQuery(host ?? null, this.admin.id), ANONYMOUS));
  }
}
