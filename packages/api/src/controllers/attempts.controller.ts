import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, CommandBus, RetryAttemptCommand } from '@pigeon/application';

import { CurrentActor } from '../auth/current-actor.decorator';
import { RetryAttemptResponse } from '../dto/operations.dto';
import { ApiErrorResponses, ApiUuidParams } from '../http/openapi';
import { UuidPipe } from '../http/validation';
import { retriedAttemptResponse } from '../presenters/operations.responses';

@ApiTags('attempts')
@ApiBearerAuth()
@Controller('api/v1/applications/:app_id/attempts')
export class AttemptsController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':id/retry')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'retry_attempt',
    summary: 'Retry a failed attempt',
    description:
      'Puts a failed attempt back to pending, due now, starting again at attempt number 1. ' +
      'Its dead letter is marked replayed, so it cannot deliver the message a second time.',
  })
  @ApiUuidParams('app_id', 'id')
  @ApiOkResponse({ type: RetryAttemptResponse })
  @ApiErrorResponses(400, 401, 404, 409, 413, 415, 503)
  async retry(@CurrentActor() actor: Actor, @Param('app_id', UuidPipe) appId: string, @Param('id', UuidPipe) id: string) {
    return retriedAttemptResponse(await this.commands.execute(new RetryAttemptCommand(appId, id), actor));
  }
}
