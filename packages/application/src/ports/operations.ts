import type { Attempt, DeadLetter, Endpoint, EventType, Message } from '@pigeon/domain';

import type { Page, PageRequest } from './pagination';

/*
 * Ports of the operator actions that deliver a message again: retrigger, retry,
 * replay and test events, plus secret rotation. Every new or reset attempt is
 * `pending`, due now and starts a fresh retry budget at attempt number 1.
 *
 * The `message_delivery_status` counters describe attempt rows:
 * `attempts_created` counts the attempts created by a send or retrigger,
 * `succeeded` and `failed` count the attempts whose final outcome is that
 * status, and `dead_lettered` counts dead letters written. A retry takes its
 * attempt out of `failed`, so a retried attempt that later succeeds no longer
 * counts as failed. A replay leaves its failed attempt as it is and adds a new
 * attempt that is not in `attempts_created`.
 */

export interface DeadLetterFilters {
  readonly endpointId: string | null;
  /** true: replayed ones only; false: not yet replayed; null: both. */
  readonly replayed: boolean | null;
}

export abstract class DeadLetterRepository {
  abstract findInApp(appId: string, id: string): Promise<DeadLetter | null>;
  /** Lists dead letters of the application, newest first. */
  abstract listInApp(appId: string, page: PageRequest, filters: DeadLetterFilters): Promise<Page<DeadLetter>>;
  /** Returns the dead letter written last for the attempt, or null when it never exhausted its tries. */
  abstract findLatestForAttempt(attemptId: string): Promise<DeadLetter | null>;
  /**
   * Sets `replayed_at` and queues a new pending attempt for the same message and
   * endpoint, whether the endpoint is enabled or not, with a
   * `dead_letter_replayed` outbox event. Returns the replayed dead letter, or
   * null when it was replayed already, by a concurrent replay too.
   */
  abstract replay(appId: string, id: string, replayedAt: Date): Promise<DeadLetter | null>;
}

export abstract class AttemptRepository {
  /** Finds an attempt of a message of the application. */
  abstract findInApp(appId: string, id: string): Promise<Attempt | null>;
  /**
   * Puts a failed attempt back to pending and marks `deadLetterId` (its latest
   * dead letter, if any) replayed at `now`, so that dead letter cannot deliver
   * the message a second time. Returns the reset attempt, or null without any
   * change when the attempt is no longer failed or the dead letter was replayed
   * meanwhile.
   */
  abstract retry(attempt: Attempt, deadLetterId: string | null, now: Date): Promise<Attempt | null>;
  /**
   * Queues one attempt per enabled endpoint of the message's application that is
   * subscribed to its event type and has no attempt of any status for the
   * message yet. Adds them to `attempts_created`, records a
   * `message_retriggered` outbox event when it queued any, and returns how many
   * it queued.
   */
  abstract addForNewEndpoints(message: Message): Promise<number>;
}

/** Test deliveries: messages of the application's hidden `pigeon.test` event type. */
export abstract class TestEventRepository {
  abstract findTestEventType(appId: string): Promise<EventType | null>;
  /**
   * Stores the message with one pending attempt for the endpoint, enabled or
   * not. Returns false and writes nothing when the endpoint is not one of the
   * message's application.
   */
  abstract send(message: Message, endpointId: string): Promise<boolean>;
}

export abstract class SigningSecretRepository {
  /** Stores the endpoint's secrets and version; throws a version conflict unless the stored version is `expectedVersion`. */
  abstract replace(endpoint: Endpoint, expectedVersion: number): Promise<void>;
}
