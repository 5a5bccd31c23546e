import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  type Actor,
  CommandBus,
  GetDeadLetterQuery,
  ListDeadLettersQuery,
  QueryBus,
  ReplayDeadLetterCommand,
} from '@pigeon/application';

import { CurrentActor } from '../auth/current-actor.decorator';
import { DeadLetterResponse, PaginatedDeadLetterResponse, ReplayDeadLetterResponse } from '../dto/operations.dto';
import { HttpProblem } from '../http/error-body';
import { ApiErrorResponses, ApiPageQuery, ApiUuidParams } from '../http/openapi';
import { parseOptionalUuid, parsePage, UuidPipe } from '../http/validation';
import { deadLetterResponse, replayedDeadLetterResponse } from '../presenters/operations.responses';
import { pageResponse } from '../presenters/responses';

@ApiTags('dead-letters')
@ApiBearerAuth()
@Controller('api/v1/applications/:app_id/dead-letters')
export class DeadLettersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'list_dead_letters', summary: 'List the dead letters of an application, newest first' })
  @ApiUuidParams('app_id')
  @ApiPageQuery()
  @ApiQuery({ name: 'endpoint_id', required: false, schema: { type: 'string', format: 'uuid' }, description: 'Only dead letters of this endpoint.' })
  @ApiQuery({ name: 'replayed', required: false, enum: ['true', 'false'], description: 'Only replayed, or only not yet replayed, dead letters.' })
  @ApiOkResponse({ type: PaginatedDeadLetterResponse })
  @ApiErrorResponses(400, 401, 404, 503)
  async list(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Query() query: Record<string, unknown>) {
    const endpointId = parseOptionalUuid('endpoint_id', query.endpoint_id);
    const replayed = parseReplayed(query.replayed);
    const page = await this.queries.execute(new ListDeadLettersQuery(appId, parsePage(query), { endpointId, replayed }), actor);

    return pageResponse(page, deadLetterResponse);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'get_dead_letter', summary: 'Get a dead letter' })
  @ApiUuidParams('app_id', 'id')
  @ApiOkResponse({ type: DeadLetterResponse })
  @ApiErrorResponses(400, 401, 404, 503)
  async get(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Param('id', UuidPipe) id: string) {
    return deadLetterResponse(await this.queries.execute(new GetDeadLetterQuery(appId, id), actor));
  }

  @Post(':id/replay')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'replay',
    summary: 'Deliver a dead letter again',
    description:
      'Queues a new attempt with a fresh retry budget for the same message and endpoint, even if the endpoint is disabled. ' +
      'Each dead letter can be replayed once; retrying its attempt counts as a replay.',
  })
  @ApiUuidParams('app_id', 'id')
  @ApiOkResponse({ type: ReplayDeadLetterResponse })
  @ApiErrorResponses(400, 401, 404, 409, 413, 415, 503)
  async replay(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Param('id', UuidPipe) id: string) {
    return replayedDeadLetterResponse(await this.commands.execute(new ReplayDeadLetterCommand(appId, id), actor));
  }
}

function parseReplayed(raw: unknown): boolean | null {
  if (raw === undefined || raw === '') {
    return null;
  }
  if (raw !== 'true' && raw !== 'false') {
    throw HttpProblem.badRequest('replayed must be true or false');
  }

  return raw === 'true';
}
