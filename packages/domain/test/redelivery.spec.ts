import {
  assertReplayable,
  assertRetryable,
  type Attempt,
  type DeadLetter,
  noNewEndpointsToDeliverTo,
  PigeonError,
  testEventPayload,
} from '../src';
import { NOW, thrownBy } from './builders';

function anAttempt(overrides: Partial<Attempt> = {}): Attempt {
  return {
    id: 'attempt-1',
    messageId: 'message-1',
    endpointId: 'endpoint-1',
    status: 'failed',
    responseCode: 500,
    responseBody: 'oops',
    error: null,
    attemptedAt: NOW,
    nextAttemptAt: null,
    attemptNumber: 5,
    durationMs: 12,
    createdAt: NOW,
    ...overrides,
  };
}

function aDeadLetter(overrides: Partial<DeadLetter> = {}): DeadLetter {
  return {
    id: 'dead-letter-1',
    messageId: 'message-1',
    endpointId: 'endpoint-1',
    appId: 'app-1',
    lastResponseCode: 500,
    lastResponseBody: 'oops',
    lastError: null,
    deadLetteredAt: NOW,
    replayedAt: null,
    ...overrides,
  };
}

function messageOf(error: unknown): string {
  if (!(error instanceof PigeonError)) {
    throw new Error(`expected a PigeonError, got ${String(error)}`);
  }

  return error.message;
}

describe('testEventPayload', () => {
  it('builds the test event as compact JSON', () => {
    const sut = testEventPayload(NOW);

    expect(sut).toBe('{"type":"pigeon.test","timestamp":"2025-03-14T09:26:53.000Z","message":"This is a test event from Pigeon"}');
  });
});

describe('assertRetryable', () => {
  it('accepts a failed attempt with an open dead letter', () => {
    expect(() => assertRetryable(anAttempt(), aDeadLetter())).not.toThrow();
  });

  it('accepts a failed attempt without a dead letter', () => {
    expect(() => assertRetryable(anAttempt(), null)).not.toThrow();
  });

  it.each(['pending', 'in_flight', 'succeeded'] as const)('rejects status %s', (status) => {
    const error = thrownBy(() => assertRetryable(anAttempt({ status }), null));

    expect(messageOf(error)).toBe('validation error: Only failed attempts can be retried');
  });

  it('rejects an attempt whose dead letter was replayed', () => {
    const error = thrownBy(() => assertRetryable(anAttempt(), aDeadLetter({ replayedAt: NOW })));

    expect(messageOf(error)).toBe('validation error: the dead letter of this attempt has already been replayed');
  });
});

describe('assertReplayable', () => {
  it('accepts a dead letter not yet replayed', () => {
    expect(() => assertReplayable(aDeadLetter())).not.toThrow();
  });

  it('rejects a replayed dead letter', () => {
    const error = thrownBy(() => assertReplayable(aDeadLetter({ replayedAt: NOW })));

    expect(messageOf(error)).toBe('validation error: Dead letter has already been replayed');
  });
});

describe('noNewEndpointsToDeliverTo', () => {
  it('uses the retrigger message with an em dash', () => {
    const sut = noNewEndpointsToDeliverTo();

    expect(sut.code).toBe('validation_failed');
    expect(sut.message).toBe('validation error: no new endpoints to deliver to \u2014 all matching endpoints already have attempts');
  });
});
