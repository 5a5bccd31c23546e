import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { type Actor, ListAuditLogQuery, QueryBus } from '@pigeon/application';

import { CurrentActor } from '../auth/current-actor.decorator';
import { PaginatedAuditLogResponse } from '../dto/tenancy.dto';
import { ApiErrorResponses, ApiPageQuery } from '../http/openapi';
import { HttpProblem } from '../http/error-body';
import { parseOptionalText, parsePage } from '../http/validation';
import { pageResponse } from '../presenters/responses';
import { auditLogResponse } from '../presenters/tenancy.responses';

const AUDIT_LOG_DEFAULT_LIMIT = 50;

@ApiTags('audit-log')
@ApiBearerAuth()
@Controller('api/v1/audit-log')
export class AuditLogController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({
    operationId: 'list_audit_log',
    summary: "List the caller organization's audit log, newest first",
    description: 'One entry per command, failed ones included. Admin actions are listed under the admin organization.',
  })
  @ApiPageQuery(AUDIT_LOG_DEFAULT_LIMIT)
  @ApiQuery({
    name: 'command',
    required: false,
    description: 'Case-insensitive substring of the command name; `%` and `_` match literally.',
    schema: { type: 'string', maxLength: 256 },
  })
  @ApiQuery({ name: 'success', required: false, enum: ['true', 'false'], description: 'Only successful or only failed commands.' })
  @ApiOkResponse({ type: PaginatedAuditLogResponse })
  @ApiErrorResponses(400, 401, 503)
  async list(@CurrentActor() actor: Actor, @Query() query: Record<string, unknown>) {
    const command = parseOptionalText('command', query.command);
    const success = parseSuccess(query.success);
    const page = await this.queries.execute(new ListAuditLogQuery(parsePage(query, AUDIT_LOG_DEFAULT_LIMIT), { command, success }), actor);

    return pageResponse(page, auditLogResponse);
  }
}

function parseSuccess(raw: unknown): boolean | null {
  if (raw === undefined || raw === '') {
    return null;
  }
  if (raw !== 'true' && raw !== 'false') {
    throw HttpProblem.badRequest('success must be true or false');
  }

  return raw === 'true';
}
