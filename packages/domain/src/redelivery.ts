import type { Attempt, DeadLetter } from './attempt';
import { PigeonError } from './errors';
import { TEST_EVENT_TYPE_NAME } from './event-type';

/** Seconds a test event's idempotency key is honoured: a test send is never repeated on purpose. */
export const TEST_EVENT_IDEMPOTENCY_TTL_SECONDS = 3600;

/** Compact JSON text of a test event sent at `now`. */
export function testEventPayload(now: Date): string {
  return JSON.stringify({
    type: TEST_EVENT_TYPE_NAME,
    timestamp: now.toISOString(),
    message: 'This is a test event from Pigeon',
  });
}

/**
 * Rejects a retry unless the attempt failed for good. A failed attempt whose
 * latest dead letter was already replayed is being delivered by the replay's
 * new attempt, so retrying it as well would deliver the message twice.
 */
export function assertRetryable(attempt: Attempt, latestDeadLetter: DeadLetter | null): void {
  if (attempt.status !== 'failed') {
    throw PigeonError.validation('Only failed attempts can be retried');
  }
  if (latestDeadLetter !== null && latestDeadLetter.replayedAt !== null) {
    throw PigeonError.validation('the dead letter of this attempt has already been replayed');
  }
}

/** Rejects a second replay: each dead letter is delivered again at most once. */
export function assertReplayable(deadLetter: DeadLetter): void {
  if (deadLetter.replayedAt !== null) {
    throw PigeonError.validation('Dead letter has already been replayed');
  }
}

/** Returns the error of a retrigger that found no endpoint without an attempt for the message. */
export function noNewEndpointsToDeliverTo(): PigeonError {
  return PigeonError.validation('no new endpoints to deliver to — all matching endpoints already have attempts');
}
