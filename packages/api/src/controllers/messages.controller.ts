import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  type Actor,
  CommandBus,
  GetMessageQuery,
  ListAttemptsQuery,
  ListMessagesQuery,
  type MessageStatusFilter,
  QueryBus,
  SendMessageCommand,
} from '@pigeon/application';
import type { Response } from 'express';

import { CurrentActor } from '../auth/current-actor.decorator';
import { SendMessageRequest } from '../dto/requests.dto';
import type { PigeonRequest } from '../http/body-parsing';
import { HttpProblem } from '../http/error-body';
import { rawPropertyText } from '../http/raw-json';
import { parseOptionalUuid, parsePage, UuidPipe } from '../http/validation';
import { attemptResponse, messageResponse, pageResponse, sendMessageResponse } from '../presenters/responses';

const STATUS_FILTERS: readonly MessageStatusFilter[] = ['delivered', 'pending', 'failed', 'dead_lettered', 'no_endpoints'];

@Controller('api/v1/applications/:app_id/messages')
export class MessagesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
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
  async list(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Query() query: Record<string, unknown>) {
    const eventTypeId = parseOptionalUuid('event_type_id', query.event_type_id);
    const status = parseStatus(query.status);
    const page = await this.queries.execute(new ListMessagesQuery(appId, parsePage(query), { eventTypeId, status }), actor);

    return pageResponse(page, messageResponse);
  }

  @Get(':id')
  async get(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Param('id', UuidPipe) id: string) {
    return messageResponse(await this.queries.execute(new GetMessageQuery(appId, id), actor));
  }

  @Get(':msg_id/attempts')
  async attempts(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Param('msg_id', UuidPipe) messageId: string) {
    const attempts = await this.queries.execute(new ListAttemptsQuery(appId, messageId), actor);

    return attempts.map(attemptResponse);
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
