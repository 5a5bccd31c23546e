import {
  type Attempt,
  type DeadLetter,
  type Endpoint,
  type EventType,
  type Message,
  newId,
  PigeonError,
  TEST_EVENT_TYPE_NAME,
} from '@pigeon/domain';

import {
  AttemptRepository,
  type Clock,
  type DeadLetterFilters,
  DeadLetterRepository,
  type Page,
  type PageRequest,
  SigningSecretRepository,
  TestEventRepository,
} from '../../src';
import type { InMemoryEndpointRepository, InMemoryEventTypeRepository, InMemoryMessageRepository } from './repositories';

/** A dead letter as stored, with the attempt it was written for. */
export interface StoredDeadLetter extends DeadLetter {
  readonly attemptId: string | null;
}

/** Runs just before a fake's guarded write, so a test can let a concurrent request win the race. */
export type RaceHook = () => void;

function pendingAttempt(messageId: string, endpointId: string, now: Date): Attempt {
  return {
    id: newId(),
    messageId,
    endpointId,
    status: 'pending',
    responseCode: null,
    responseBody: null,
    error: null,
    attemptedAt: null,
    nextAttemptAt: now,
    attemptNumber: 1,
    durationMs: null,
    createdAt: now,
  };
}

function withoutAttemptId({ attemptId: _attemptId, ...deadLetter }: StoredDeadLetter): DeadLetter {
  return deadLetter;
}

/** Dead letters kept in memory; a replay adds its attempt to the message repository's attempts. */
export class InMemoryDeadLetterRepository extends DeadLetterRepository {
  readonly deadLetters: StoredDeadLetter[] = [];
  beforeReplay: RaceHook = () => {};

  constructor(
    private readonly messages: InMemoryMessageRepository,
    private readonly clock: Clock,
  ) {
    super();
  }

  /** Stores a dead letter of `attempt`, as the worker writes one when the attempt exhausts its tries. */
  add(attempt: Attempt, appId: string, overrides: Partial<StoredDeadLetter> = {}): StoredDeadLetter {
    const deadLetter: StoredDeadLetter = {
      id: newId(),
      messageId: attempt.messageId,
      endpointId: attempt.endpointId,
      appId,
      attemptId: attempt.id,
      lastResponseCode: attempt.responseCode,
      lastResponseBody: attempt.responseBody,
      lastError: attempt.error,
      deadLetteredAt: this.clock.now(),
      replayedAt: null,
      ...overrides,
    };
    this.deadLetters.push(deadLetter);

    return deadLetter;
  }

  markReplayed(id: string, replayedAt: Date): void {
    const index = this.deadLetters.findIndex((stored) => stored.id === id);
    const stored = this.deadLetters[index];
    if (stored !== undefined) {
      this.deadLetters[index] = { ...stored, replayedAt };
    }
  }

  async findInApp(appId: string, id: string): Promise<DeadLetter | null> {
    const stored = this.deadLetters.find((deadLetter) => deadLetter.id === id && deadLetter.appId === appId);

    return stored === undefined ? null : withoutAttemptId(stored);
  }

  async listInApp(appId: string, request: PageRequest, filters: DeadLetterFilters): Promise<Page<DeadLetter>> {
    const matching = this.deadLetters
      .filter(
        (stored) =>
          stored.appId === appId &&
          (filters.endpointId === null || stored.endpointId === filters.endpointId) &&
          (filters.replayed === null || (stored.replayedAt !== null) === filters.replayed),
      )
      .sort((left, right) => right.deadLetteredAt.getTime() - left.deadLetteredAt.getTime())
      .map(withoutAttemptId);

    return {
      items: matching.slice(request.offset, request.offset + request.limit),
      total: matching.length,
      offset: request.offset,
      limit: request.limit,
    };
  }

  async findLatestForAttempt(attemptId: string): Promise<DeadLetter | null> {
    const forAttempt = this.deadLetters
      .filter((stored) => stored.attemptId === attemptId)
      .sort((left, right) => right.deadLetteredAt.getTime() - left.deadLetteredAt.getTime());

    return forAttempt[0] === undefined ? null : withoutAttemptId(forAttempt[0]);
  }

  async replay(appId: string, id: string, replayedAt: Date): Promise<DeadLetter | null> {
    this.beforeReplay();

    const stored = this.deadLetters.find((deadLetter) => deadLetter.id === id && deadLetter.appId === appId);
    if (stored === undefined || stored.replayedAt !== null) {
      return null;
    }

    this.markReplayed(id, replayedAt);
    this.messages.attempts.push(pendingAttempt(stored.messageId, stored.endpointId, replayedAt));

    return { ...withoutAttemptId(stored), replayedAt };
  }
}

/** Attempt operations over the attempts of the in-memory message repository. */
export class InMemoryAttemptRepository extends AttemptRepository {
  beforeRetry: RaceHook = () => {};

  constructor(
    private readonly messages: InMemoryMessageRepository,
    private readonly endpoints: InMemoryEndpointRepository,
    private readonly deadLetters: InMemoryDeadLetterRepository,
    private readonly clock: Clock,
  ) {
    super();
  }

  /** Replaces a stored attempt, as the worker does when it records an outcome. */
  update(attemptId: string, change: Partial<Attempt>): Attempt {
    const index = this.messages.attempts.findIndex((attempt) => attempt.id === attemptId);
    const stored = this.messages.attempts[index];
    if (stored === undefined) {
      throw new Error(`no attempt ${attemptId}`);
    }

    const updated = { ...stored, ...change };
    this.messages.attempts[index] = updated;

    return updated;
  }

  async findInApp(appId: string, id: string): Promise<Attempt | null> {
    const attempt = this.messages.attempts.find((stored) => stored.id === id);
    if (attempt === undefined || this.messages.messages.get(attempt.messageId)?.appId !== appId) {
      return null;
    }

    return attempt;
  }

  async retry(attempt: Attempt, deadLetterId: string | null, now: Date): Promise<Attempt | null> {
    this.beforeRetry();

    const current = this.messages.attempts.find((stored) => stored.id === attempt.id);
    const deadLetter = this.deadLetters.deadLetters.find((stored) => stored.id === deadLetterId);
    if (current?.status !== 'failed' || (deadLetterId !== null && deadLetter?.replayedAt !== null)) {
      return null;
    }

    if (deadLetterId !== null) {
      this.deadLetters.markReplayed(deadLetterId, now);
    }

    return this.update(attempt.id, { status: 'pending', attemptNumber: 1, nextAttemptAt: this.clock.now() });
  }

  async addForNewEndpoints(message: Message): Promise<number> {
    const served = new Set(this.messages.attemptsOf(message.id).map((attempt) => attempt.endpointId));
    const targets = [...this.endpoints.endpoints.values()].filter(
      (endpoint) =>
        endpoint.appId === message.appId &&
        endpoint.enabled &&
        endpoint.eventTypeIds.includes(message.eventTypeId) &&
        !served.has(endpoint.id),
    );

    for (const endpoint of targets) {
      this.messages.attempts.push(pendingAttempt(message.id, endpoint.id, this.clock.now()));
    }

    return targets.length;
  }
}

/** Stores test messages in the in-memory message repository. */
export class InMemoryTestEventRepository extends TestEventRepository {
  constructor(
    private readonly eventTypes: InMemoryEventTypeRepository,
    private readonly endpoints: InMemoryEndpointRepository,
    private readonly messages: InMemoryMessageRepository,
    private readonly clock: Clock,
  ) {
    super();
  }

  async findTestEventType(appId: string): Promise<EventType | null> {
    const found = [...this.eventTypes.eventTypes.values()].find(
      (stored) => stored.appId === appId && stored.system && stored.name === TEST_EVENT_TYPE_NAME,
    );

    return found ?? null;
  }

  async send(message: Message, endpointId: string): Promise<boolean> {
    if ((await this.endpoints.findInApp(message.appId, endpointId)) === null) {
      return false;
    }

    this.messages.messages.set(message.id, message);
    this.messages.attempts.push(pendingAttempt(message.id, endpointId, this.clock.now()));

    return true;
  }
}

/** Writes secrets into the in-memory endpoints when the stored version matches. */
export class InMemorySigningSecretRepository extends SigningSecretRepository {
  constructor(private readonly endpoints: InMemoryEndpointRepository) {
    super();
  }

  async replace(endpoint: Endpoint, expectedVersion: number): Promise<void> {
    const stored = this.endpoints.endpoints.get(endpoint.id);
    if (stored === undefined || stored.appId !== endpoint.appId || stored.version !== expectedVersion) {
      throw PigeonError.versionConflict();
    }

    this.endpoints.endpoints.set(endpoint.id, { ...stored, signingSecrets: endpoint.signingSecrets, version: endpoint.version });
  }
}
