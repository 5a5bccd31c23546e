import { ApiProperty } from '@nestjs/swagger';

import { PageFields } from './responses.dto';

// Response shapes of the routes that deliver a message again (test event,
// retrigger, retry, replay), of secret rotation and of dead letters. The
// presenters in `presenters/operations.responses.ts` build the bodies.

export class RotateSigningSecretResponse {
  @ApiProperty({ description: 'The full new signing secret; shown only in this response.', example: `whsec_${'0'.repeat(64)}` })
  new_secret!: string;

  @ApiProperty({ type: [String], description: 'Masked signing secrets after the rotation, newest first.', example: ['whsec_...000000', 'whsec_...x9Lq2A'] })
  signing_secrets_masked!: string[];
}

export class SendTestEventResponse {
  @ApiProperty({ format: 'uuid', description: 'The `pigeon.test` message created for the endpoint.' })
  message_id!: string;
}

export class RetriggerMessageResponse {
  @ApiProperty({ format: 'uuid' })
  message_id!: string;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'Attempts created for endpoints that had none for this message.' })
  attempts_created!: number;
}

export class RetryAttemptResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  message_id!: string;

  @ApiProperty({ format: 'uuid' })
  endpoint_id!: string;

  @ApiProperty({ enum: ['pending'], description: 'Always `pending`: the attempt is due now, starting again at attempt number 1.' })
  status!: 'pending';
}

export class DeadLetterResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  message_id!: string;

  @ApiProperty({ format: 'uuid' })
  endpoint_id!: string;

  @ApiProperty({ format: 'uuid' })
  app_id!: string;

  @ApiProperty({ type: 'integer', nullable: true, description: 'HTTP status of the last try; null when no response arrived.' })
  last_response_code!: number | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'Start of the response body of the last try.' })
  last_response_body!: string | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'Why the last try received no HTTP response, such as `connection refused`.' })
  last_error!: string | null;

  @ApiProperty({ format: 'date-time' })
  dead_lettered_at!: string;

  @ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'When the dead letter was replayed, or its attempt retried; null while neither happened.',
  })
  replayed_at!: string | null;
}

export class PaginatedDeadLetterResponse extends PageFields {
  @ApiProperty({ type: [DeadLetterResponse] })
  items!: DeadLetterResponse[];
}

export class ReplayDeadLetterResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  message_id!: string;

  @ApiProperty({ format: 'uuid' })
  endpoint_id!: string;

  @ApiProperty({ format: 'date-time' })
  replayed_at!: string;
}
