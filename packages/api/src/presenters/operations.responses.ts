import type { RetriggerResult, RotatedSigningSecret } from '@pigeon/application';
import { type Attempt, type DeadLetter, maskSigningSecret, type Message } from '@pigeon/domain';

import type {
  DeadLetterResponse,
  ReplayDeadLetterResponse,
  RetriggerMessageResponse,
  RetryAttemptResponse,
  RotateSigningSecretResponse,
  SendTestEventResponse,
} from '../dto/operations.dto';

// Built field by field like the other presenters, so a new column never leaks by default.

export function rotatedSigningSecretResponse(result: RotatedSigningSecret): RotateSigningSecretResponse {
  return {
    new_secret: result.newSecret,
    signing_secrets_masked: result.endpoint.signingSecrets.map(maskSigningSecret),
  };
}

export function testEventResponse(message: Message): SendTestEventResponse {
  return { message_id: message.id };
}

export function retriggerResponse(result: RetriggerResult): RetriggerMessageResponse {
  return { message_id: result.messageId, attempts_created: result.attemptsCreated };
}

export function retriedAttemptResponse(attempt: Attempt): RetryAttemptResponse {
  return { id: attempt.id, message_id: attempt.messageId, endpoint_id: attempt.endpointId, status: 'pending' };
}

export function deadLetterResponse(deadLetter: DeadLetter): DeadLetterResponse {
  return {
    id: deadLetter.id,
    message_id: deadLetter.messageId,
    endpoint_id: deadLetter.endpointId,
    app_id: deadLetter.appId,
    last_response_code: deadLetter.lastResponseCode,
    last_response_body: deadLetter.lastResponseBody,
    last_error: deadLetter.lastError,
    dead_lettered_at: deadLetter.deadLetteredAt.toISOString(),
    replayed_at: deadLetter.replayedAt?.toISOString() ?? null,
  };
}

/** Presents a just replayed dead letter; `replayed_at` ends in `Z` like every other timestamp. */
export function replayedDeadLetterResponse(deadLetter: DeadLetter): ReplayDeadLetterResponse {
  if (deadLetter.replayedAt === null) {
    throw new Error(`dead letter ${deadLetter.id} was presented as replayed without replayed_at`);
  }

  return {
    id: deadLetter.id,
    message_id: deadLetter.messageId,
    endpoint_id: deadLetter.endpointId,
    replayed_at: deadLetter.replayedAt.toISOString(),
  };
}
