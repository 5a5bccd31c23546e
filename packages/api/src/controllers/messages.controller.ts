import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  type Actor,
  CommandBus,
  GetMessageQuery,
  ListAttemptsQuery,
  ListMessagesQuery,
  type MessageStatusFilter,
  QueryBus,
  RetriggerMessageCommand,
  SendMessageCommand,
} from '@pigeon/application';
import type { Response } from 'express';

import { CurrentActor } from '../auth/current-actor.decorator';
import { RetriggerMessageResponse } from '../dto/operations.dto';
import { SendMessageRequest } from '../dto/requests.dto';
import { AttemptResponse, MessageResponse, PaginatedMessageResponse, SendMessageResponse } from '../dto/responses.dto';
import type { PigeonRequest } from '../http/body-parsing';
import { HttpProblem } from '../http/error-body';
import { ApiErrorResponses, ApiPageQuery, ApiUuidParams } from '../http/openapi';
import { rawPropertyText } from '../http/raw-json';
import { parseOptionalUuid, parsePage, UuidPipe } from '../http/validation';
import { retriggerResponse } from '../presenters/operations.responses';
import { attemptResponse, messageResponse, pageResponse, sendMessageResponse } from '../presenters/responses';

const STATUS_FILTERS: readonly MessageStatusFilter[] = ['delivered', 'pending', 'failed', 'dead_lettered', 'no_endpoints'];

@Controller('api/v1/applications/:app_id/messages')
export class MessagesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @ApiTags('messages')
  @ApiBearerAuth()
  @ApiOperation({
    operationId: 'send_message',
    summary: 'Send a message to every enabled endpoint subscribed to its event type',
    description: 'A repeated idempotency key returns the first message with 200 and `was_duplicate: true` and creates nothing.',
  })
  @ApiUuidParams('app_id')
  @ApiCreatedResponse({ type: SendMessageResponse, description: 'The message was created.' })
  @ApiOkResponse({ type: SendMessageResponse, description: 'The idempotency key matched an earlier message, which is returned.' })
  @ApiErrorResponses(400, 401, 404, 413, 415, 503)
  async send(
    @CurrentActor() actor: Actor,
    @Param('app_id', UuidPipe) appId: string,
    @Body() body: SendMessageRequest,
    @Req() request: PigeonRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    // The payload is forwarded as the client wrote it, so it comes from the body text, not the parsed object.
    const payloadJson = rawPropertyText(request.rawBody ?? '', 'payload');
    if (payloadJson === null) {
      throw HttpProblem.badRequest('validation error: payload is required');
    }

    const command = new SendMessageCommand(appId, body.event_type_id.toLowerCase(), payloadJson, body.idempotency_key ?? null);
    const result = await this.commands.execute(command, actor);
    response.status(result.duplicate ? 200 : 201);

    return sendMessageResponse(result);
  }

  @Get()
  @ApiTags('messages')
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'list_messages', summary: 'List messages, newest first' })
  @ApiUuidParams('app_id')
  @ApiPageQuery()
  @ApiQuery({ name: 'event_type_id', required: false, description: 'Only messages of this event type.', schema: { type: 'string', format: 'uuid' } })
  @ApiQuery({ name: 'status', required: false, description: 'Only messages in this delivery state.', schema: { type: 'string', enum: [...STATUS_FILTERS] } })
  @ApiOkResponse({ type: PaginatedMessageResponse })
  @ApiErrorResponses(400, 401, 404, 503)
  async list(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Query() query: Record<string, unknown>) {
    const eventTypeId = parseOptionalUuid('event_type_id', query.event_type_id);
    const status = parseStatus(query.status);
    const page = await this.queries.execute(new ListMessagesQuery(appId, parsePage(query), { eventTypeId, status }), actor);

    return pageResponse(page, messageResponse);
  }

  @Get(':id')
  @ApiTags('messages')
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'get_message', summary: 'Get a message with its delivery counters' })
  @ApiUuidParams('app_id', 'id')
  @ApiOkResponse({ type: MessageResponse })
  @ApiErrorResponses(400, 401, 404, 503)
  async get(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Param('id', UuidPipe) id: string) {
    return messageResponse(await this.queries.execute(new GetMessageQuery(appId, id), actor));
  }

  @Get(':msg_id/attempts')
  @ApiTags('messages')
  @ApiBearerAuth()
  @ApiOperation({ operationId: 'list_attempts', summary: 'List the delivery attempts of a message, first try first' })
  @ApiUuidParams('app_id', 'msg_id')
  @ApiOkResponse({ type: [AttemptResponse], description: 'Every attempt of the message; the list is not paginated.' })
  @ApiErrorResponses(400, 401, 404, 503)
  async attempts(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Param('msg_id', UuidPipe) messageId: string) {
    const attempts = await this.queries.execute(new ListAttemptsQuery(appId, messageId), actor);

    return attempts.map(attemptResponse);
  }

  @Post(':id/retrigger')
  @HttpCode(200)
  @ApiTags('messages')
  @ApiBearerAuth()
  @ApiOperation({
    operationId: 'retrigger_message',
    summary: 'Deliver a message to endpoints that have no attempt for it',
    description:
      "Creates a pending attempt for each enabled endpoint subscribed to the message's event type that has no attempt of any status for the message.",
  })
  @ApiUuidParams('app_id', 'id')
  @ApiOkResponse({ type: RetriggerMessageResponse })
  @ApiErrorResponses(400, 401, 404, 413, 415, 503)
  async retrigger(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Param('id', UuidPipe) id: string) {
    return retriggerResponse(await this.commands.execute(new RetriggerMessageCommand(appId, id), actor));
  }
}

function parseStatus(raw: unknown): MessageStatusFilter | null {
  if (raw === undefined || raw === '') {
    return null;
  }
  if (typeof raw !== 'string' || !STATUS_FILTERS.includes(raw as MessageStatusFilter)) {
    throw HttpProblem.badRequest(`status must be one of ${STATUS_FILTERS.join(', ')}`);
  }

  return raw as MessageStatusFilter;
}
