import { createMessage, type Message } from '@pigeon/domain';

import {
  GetDeadLetterHandler,
  GetDeadLetterQuery,
  ListDeadLettersHandler,
  ListDeadLettersQuery,
  ReplayDeadLetterCommand,
  ReplayDeadLetterHandler,
  RetriggerMessageCommand,
  RetriggerMessageHandler,
  RetryAttemptCommand,
  RetryAttemptHandler,
  RevokeSigningSecretCommand,
  RevokeSigningSecretHandler,
  RotateSigningSecretCommand,
  RotateSigningSecretHandler,
  SendTestEventCommand,
  SendTestEventHandler,
} from '../src';
import { ACTOR, asPigeonError, Catalog, OTHER_ORG_ACTOR, rejectionOf, sendAudit } from './builders';
import {
  InMemoryAttemptRepository,
  InMemoryDeadLetterRepository,
  InMemorySigningSecretRepository,
  InMemoryTestEventRepository,
} from './fakes/operations';

const PAGE = { offset: 0, limit: 20 };
const ANY_FILTER = { endpointId: null, replayed: null };

/** The catalog plus the operations fakes, all sharing one clock and one attempt list. */
class Operations extends Catalog {
  readonly deadLetters = new InMemoryDeadLetterRepository(this.messages, this.clock);
  readonly attempts = new InMemoryAttemptRepository(this.messages, this.endpoints, this.deadLetters, this.clock);
  readonly testEvents = new InMemoryTestEventRepository(this.eventTypes, this.endpoints, this.messages, this.clock);
  readonly secrets = new InMemorySigningSecretRepository(this.endpoints);

  async aMessage(appId: string, eventTypeId: string): Promise<Message> {
    const message = createMessage({
      appId,
      eventTypeId,
      payload: '{"invoice":"in_1"}',
      idempotencyKey: null,
      idempotencyTtlSeconds: 86_400,
      now: this.clock.now(),
    });
    await this.messages.send({ message, orgId: ACTOR.orgId, audit: sendAudit(ACTOR) });

    return message;
  }
}

async function setUp() {
  const ops = new Operations();
  const { application, testEventType } = await ops.anApplication(ACTOR.orgId, 'billing');
  const eventType = await ops.anEventType(application.id, 'invoice.paid');
  const { application: sibling } = await ops.anApplication(ACTOR.orgId, 'shipping');

  return { ops, application, testEventType, eventType, sibling };
}

/** Sets up an application with one endpoint whose only attempt for a message failed and was dead-lettered. */
async function setUpDeadLetter() {
  const context = await setUp();
  const { ops, application, eventType } = context;
  const endpoint = await ops.anEndpoint(application.id, [eventType.id]);
  const message = await ops.aMessage(application.id, eventType.id);
  const attempt = ops.attempts.update(ops.messages.attemptsOf(message.id)[0]!.id, {
    status: 'failed',
    attemptNumber: 5,
    responseCode: 503,
    responseBody: 'unavailable',
    nextAttemptAt: null,
  });
  const deadLetter = ops.deadLetters.add(attempt, application.id);

  return { ...context, endpoint, message, attempt, deadLetter };
}

describe('RotateSigningSecretHandler', () => {
  it('adds a new newest secret', async () => {
    const { ops, application } = await setUp();
    const endpoint = await ops.anEndpoint(application.id, []);
    const sut = new RotateSigningSecretHandler(ops.applications, ops.endpoints, ops.secrets);

    const result = await sut.execute(new RotateSigningSecretCommand(application.id, endpoint.id), ACTOR);

    const stored = ops.endpoints.endpoints.get(endpoint.id)!;
    expect(result.newSecret).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect(stored.signingSecrets).toEqual([result.newSecret, endpoint.signingSecrets[0]]);
    expect(stored.version).toBe(2);
  });

  it('rejects a third secret', async () => {
    const { ops, application } = await setUp();
    const endpoint = await ops.anEndpoint(application.id, []);
    const sut = new RotateSigningSecretHandler(ops.applications, ops.endpoints, ops.secrets);
    await sut.execute(new RotateSigningSecretCommand(application.id, endpoint.id), ACTOR);

    const error = await rejectionOf(sut.execute(new RotateSigningSecretCommand(application.id, endpoint.id), ACTOR));

    expect(asPigeonError(error).message).toBe('validation error: endpoint already has the maximum number of signing secrets (2)');
    expect(ops.endpoints.endpoints.get(endpoint.id)!.signingSecrets).toHaveLength(2);
  });

  it('reports an endpoint of another application as not found', async () => {
    const { ops, application, sibling } = await setUp();
    const foreign = await ops.anEndpoint(sibling.id, []);
    const sut = new RotateSigningSecretHandler(ops.applications, ops.endpoints, ops.secrets);

    const error = await rejectionOf(sut.execute(new RotateSigningSecretCommand(application.id, foreign.id), ACTOR));

    expect(asPigeonError(error).code).toBe('not_found');
    expect(ops.endpoints.endpoints.get(foreign.id)!.signingSecrets).toHaveLength(1);
  });

  it('reports an application of another organization as not found', async () => {
    const { ops, application } = await setUp();
    const endpoint = await ops.anEndpoint(application.id, []);
    const sut = new RotateSigningSecretHandler(ops.applications, ops.endpoints, ops.secrets);

    const error = await rejectionOf(sut.execute(new RotateSigningSecretCommand(application.id, endpoint.id), OTHER_ORG_ACTOR));

    expect(asPigeonError(error).code).toBe('not_found');
  });
});

describe('RevokeSigningSecretHandler', () => {
  async function withTwoSecrets() {
    const context = await setUp();
    const endpoint = await context.ops.anEndpoint(context.application.id, []);
    const rotate = new RotateSigningSecretHandler(context.ops.applications, context.ops.endpoints, context.ops.secrets);
    const { newSecret } = await rotate.execute(new RotateSigningSecretCommand(context.application.id, endpoint.id), ACTOR);
    const sut = new RevokeSigningSecretHandler(context.ops.applications, context.ops.endpoints, context.ops.secrets);

    return { ...context, sut, endpoint, newSecret, oldSecret: endpoint.signingSecrets[0]! };
  }

  it('removes the older secret at index 1', async () => {
    const { ops, sut, application, endpoint, newSecret } = await withTwoSecrets();

    await sut.execute(new RevokeSigningSecretCommand(application.id, endpoint.id, 1), ACTOR);

    expect(ops.endpoints.endpoints.get(endpoint.id)!.signingSecrets).toEqual([newSecret]);
    expect(ops.endpoints.endpoints.get(endpoint.id)!.version).toBe(3);
  });

  it('removes the newest secret at index 0', async () => {
    const { ops, sut, application, endpoint, oldSecret } = await withTwoSecrets();

    await sut.execute(new RevokeSigningSecretCommand(application.id, endpoint.id, 0), ACTOR);

    expect(ops.endpoints.endpoints.get(endpoint.id)!.signingSecrets).toEqual([oldSecret]);
  });

  it('rejects an index out of bounds', async () => {
    const { sut, application, endpoint } = await withTwoSecrets();

    const error = await rejectionOf(sut.execute(new RevokeSigningSecretCommand(application.id, endpoint.id, 2), ACTOR));

    expect(asPigeonError(error).message).toBe('validation error: signing secret index out of bounds');
  });

  it('rejects the last secret before checking the index', async () => {
    const { ops, application } = await setUp();
    const endpoint = await ops.anEndpoint(application.id, []);
    const sut = new RevokeSigningSecretHandler(ops.applications, ops.endpoints, ops.secrets);

    const error = await rejectionOf(sut.execute(new RevokeSigningSecretCommand(application.id, endpoint.id, 7), ACTOR));

    expect(asPigeonError(error).message).toBe('validation error: cannot revoke the last signing secret');
    expect(ops.endpoints.endpoints.get(endpoint.id)!.signingSecrets).toEqual(endpoint.signingSecrets);
  });

  it('reports an endpoint of another application as not found', async () => {
    const { ops, sut, application, sibling } = await withTwoSecrets();
    const foreign = await ops.anEndpoint(sibling.id, []);

    const error = await rejectionOf(sut.execute(new RevokeSigningSecretCommand(application.id, foreign.id, 0), ACTOR));

    expect(asPigeonError(error).code).toBe('not_found');
  });
});

describe('SendTestEventHandler', () => {
  it('stores a pigeon.test message with the test payload', async () => {
    const { ops, application, testEventType } = await setUp();
    const endpoint = await ops.anEndpoint(application.id, []);
    const sut = new SendTestEventHandler(ops.applications, ops.testEvents, ops.clock);

    const message = await sut.execute(new SendTestEventCommand(application.id, endpoint.id), ACTOR);

    expect(message.eventTypeId).toBe(testEventType.id);
    expect(message.payload).toBe(
      '{"type":"pigeon.test","timestamp":"2025-03-14T09:26:53.000Z","message":"This is a test event from Pigeon"}',
    );
    expect(ops.messages.messages.get(message.id)).toEqual(message);
  });

  it('gives the message a fresh key that expires after an hour', async () => {
    const { ops, application } = await setUp();
    const endpoint = await ops.anEndpoint(application.id, []);
    const sut = new SendTestEventHandler(ops.applications, ops.testEvents, ops.clock);

    const first = await sut.execute(new SendTestEventCommand(application.id, endpoint.id), ACTOR);
    const second = await sut.execute(new SendTestEventCommand(application.id, endpoint.id), ACTOR);

    expect(first.idempotencyKey).not.toBe(second.idempotencyKey);
    expect(first.idempotencyExpiresAt.getTime() - first.createdAt.getTime()).toBe(3_600_000);
  });

  it('queues one attempt for the chosen endpoint only', async () => {
    const { ops, application, eventType } = await setUp();
    const chosen = await ops.anEndpoint(application.id, []);
    await ops.anEndpoint(application.id, [eventType.id]);
    const sut = new SendTestEventHandler(ops.applications, ops.testEvents, ops.clock);

    const message = await sut.execute(new SendTestEventCommand(application.id, chosen.id), ACTOR);

    const attempts = ops.messages.attemptsOf(message.id);
    expect(attempts.map((attempt) => attempt.endpointId)).toEqual([chosen.id]);
    expect(attempts[0]).toMatchObject({ status: 'pending', attemptNumber: 1 });
  });

  it('sends to a disabled endpoint', async () => {
    const { ops, application } = await setUp();
    const disabled = await ops.anEndpoint(application.id, [], false);
    const sut = new SendTestEventHandler(ops.applications, ops.testEvents, ops.clock);

    const message = await sut.execute(new SendTestEventCommand(application.id, disabled.id), ACTOR);

    expect(ops.messages.attemptsOf(message.id).map((attempt) => attempt.endpointId)).toEqual([disabled.id]);
  });

  it('reports an endpoint of another application as not found', async () => {
    const { ops, application, sibling } = await setUp();
    const foreign = await ops.anEndpoint(sibling.id, []);
    const sut = new SendTestEventHandler(ops.applications, ops.testEvents, ops.clock);

    const error = await rejectionOf(sut.execute(new SendTestEventCommand(application.id, foreign.id), ACTOR));

    expect(asPigeonError(error).code).toBe('not_found');
    expect(ops.messages.messages.size).toBe(0);
    expect(ops.messages.attempts).toHaveLength(0);
  });

  it('reports an application of another organization as not found', async () => {
    const { ops, application } = await setUp();
    const endpoint = await ops.anEndpoint(application.id, []);
    const sut = new SendTestEventHandler(ops.applications, ops.testEvents, ops.clock);

    const error = await rejectionOf(sut.execute(new SendTestEventCommand(application.id, endpoint.id), OTHER_ORG_ACTOR));

    expect(asPigeonError(error).code).toBe('not_found');
    expect(ops.messages.messages.size).toBe(0);
  });
});

describe('RetriggerMessageHandler', () => {
  it('queues attempts for endpoints subscribed after the send', async () => {
    const { ops, application, eventType } = await setUp();
    const first = await ops.anEndpoint(application.id, [eventType.id]);
    const message = await ops.aMessage(application.id, eventType.id);
    const added = await ops.anEndpoint(application.id, [eventType.id]);
    const sut = new RetriggerMessageHandler(ops.applications, ops.messages, ops.attempts);

    const result = await sut.execute(new RetriggerMessageCommand(application.id, message.id), ACTOR);

    expect(result).toEqual({ messageId: message.id, attemptsCreated: 1 });
    expect(ops.messages.attemptsOf(message.id).map((attempt) => attempt.endpointId)).toEqual([first.id, added.id]);
  });

  it('skips disabled and unsubscribed endpoints', async () => {
    const { ops, application, eventType } = await setUp();
    const message = await ops.aMessage(application.id, eventType.id);
    await ops.anEndpoint(application.id, [eventType.id], false);
    await ops.anEndpoint(application.id, []);
    const sut = new RetriggerMessageHandler(ops.applications, ops.messages, ops.attempts);

    const error = await rejectionOf(sut.execute(new RetriggerMessageCommand(application.id, message.id), ACTOR));

    expect(asPigeonError(error).message).toBe(
      'validation error: no new endpoints to deliver to — all matching endpoints already have attempts',
    );
    expect(ops.messages.attemptsOf(message.id)).toHaveLength(0);
  });

  it('skips an endpoint whose attempt failed', async () => {
    const { ops, application, eventType } = await setUp();
    await ops.anEndpoint(application.id, [eventType.id]);
    const message = await ops.aMessage(application.id, eventType.id);
    ops.attempts.update(ops.messages.attemptsOf(message.id)[0]!.id, { status: 'failed' });
    const sut = new RetriggerMessageHandler(ops.applications, ops.messages, ops.attempts);

    const error = await rejectionOf(sut.execute(new RetriggerMessageCommand(application.id, message.id), ACTOR));

    expect(asPigeonError(error).code).toBe('validation_failed');
    expect(ops.messages.attemptsOf(message.id)).toHaveLength(1);
  });

  it('reports a message of another application as not found', async () => {
    const { ops, application, sibling } = await setUp();
    const siblingEventType = await ops.anEventType(sibling.id, 'parcel.sent');
    const foreign = await ops.aMessage(sibling.id, siblingEventType.id);
    const sut = new RetriggerMessageHandler(ops.applications, ops.messages, ops.attempts);

    const error = await rejectionOf(sut.execute(new RetriggerMessageCommand(application.id, foreign.id), ACTOR));

    expect(asPigeonError(error).code).toBe('not_found');
  });
});

describe('RetryAttemptHandler', () => {
  function handler(ops: Operations) {
    return new RetryAttemptHandler(ops.applications, ops.attempts, ops.deadLetters, ops.clock);
  }

  it('resets a failed attempt with a fresh budget', async () => {
    const { ops, application, attempt } = await setUpDeadLetter();

    const retried = await handler(ops).execute(new RetryAttemptCommand(application.id, attempt.id), ACTOR);

    expect(retried).toMatchObject({ id: attempt.id, status: 'pending', attemptNumber: 1, nextAttemptAt: ops.clock.now() });
    expect(ops.messages.attemptsOf(attempt.messageId)).toEqual([retried]);
  });

  it('marks the dead letter of the attempt replayed', async () => {
    const { ops, application, attempt, deadLetter } = await setUpDeadLetter();
    ops.clock.advance(60_000);

    await handler(ops).execute(new RetryAttemptCommand(application.id, attempt.id), ACTOR);

    expect((await ops.deadLetters.findInApp(application.id, deadLetter.id))!.replayedAt).toEqual(ops.clock.now());
  });

  it.each(['pending', 'in_flight', 'succeeded'] as const)('rejects an attempt in status %s', async (status) => {
    const { ops, application, attempt } = await setUpDeadLetter();
    ops.attempts.update(attempt.id, { status });

    const error = await rejectionOf(handler(ops).execute(new RetryAttemptCommand(application.id, attempt.id), ACTOR));

    expect(asPigeonError(error).message).toBe('validation error: Only failed attempts can be retried');
  });

  it('rejects an attempt whose dead letter was replayed', async () => {
    const { ops, application, attempt, deadLetter } = await setUpDeadLetter();
    ops.deadLetters.markReplayed(deadLetter.id, ops.clock.now());

    const error = await rejectionOf(handler(ops).execute(new RetryAttemptCommand(application.id, attempt.id), ACTOR));

    expect(asPigeonError(error).message).toBe('validation error: the dead letter of this attempt has already been replayed');
    expect(ops.messages.attemptsOf(attempt.messageId)[0]!.status).toBe('failed');
  });

  it('reports a concurrent retry as no longer failed', async () => {
    const { ops, application, attempt } = await setUpDeadLetter();
    ops.attempts.beforeRetry = () => {
      ops.attempts.update(attempt.id, { status: 'pending' });
    };

    const error = await rejectionOf(handler(ops).execute(new RetryAttemptCommand(application.id, attempt.id), ACTOR));

    expect(asPigeonError(error).message).toBe('validation error: Only failed attempts can be retried');
  });

  it('reports a concurrent replay of its dead letter', async () => {
    const { ops, application, attempt, deadLetter } = await setUpDeadLetter();
    ops.attempts.beforeRetry = () => {
      ops.deadLetters.markReplayed(deadLetter.id, ops.clock.now());
    };

    const error = await rejectionOf(handler(ops).execute(new RetryAttemptCommand(application.id, attempt.id), ACTOR));

    expect(asPigeonError(error).message).toBe('validation error: the dead letter of this attempt has already been replayed');
    expect(ops.messages.attemptsOf(attempt.messageId)[0]!.status).toBe('failed');
  });

  it('reports an attempt of another application as not found', async () => {
    const { ops, sibling, attempt } = await setUpDeadLetter();

    const error = await rejectionOf(handler(ops).execute(new RetryAttemptCommand(sibling.id, attempt.id), ACTOR));

    expect(asPigeonError(error).code).toBe('not_found');
  });

  it('reports an application of another organization as not found', async () => {
    const { ops, application, attempt } = await setUpDeadLetter();

    const error = await rejectionOf(handler(ops).execute(new RetryAttemptCommand(application.id, attempt.id), OTHER_ORG_ACTOR));

    expect(asPigeonError(error).code).toBe('not_found');
  });
});

describe('ReplayDeadLetterHandler', () => {
  function handler(ops: Operations) {
    return new ReplayDeadLetterHandler(ops.applications, ops.deadLetters, ops.clock);
  }

  it('marks the dead letter replayed now', async () => {
    const { ops, application, deadLetter } = await setUpDeadLetter();
    ops.clock.advance(60_000);

    const replayed = await handler(ops).execute(new ReplayDeadLetterCommand(application.id, deadLetter.id), ACTOR);

    expect(replayed.replayedAt).toEqual(ops.clock.now());
    expect((await ops.deadLetters.findInApp(application.id, deadLetter.id))!.replayedAt).toEqual(ops.clock.now());
  });

  it('queues a new attempt for the same message and endpoint', async () => {
    const { ops, application, deadLetter, attempt, endpoint } = await setUpDeadLetter();

    await handler(ops).execute(new ReplayDeadLetterCommand(application.id, deadLetter.id), ACTOR);

    const attempts = ops.messages.attemptsOf(deadLetter.messageId);
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).toEqual(attempt);
    expect(attempts[1]).toMatchObject({ endpointId: endpoint.id, status: 'pending', attemptNumber: 1 });
  });

  it('rejects a second replay', async () => {
    const { ops, application, deadLetter } = await setUpDeadLetter();
    await handler(ops).execute(new ReplayDeadLetterCommand(application.id, deadLetter.id), ACTOR);

    const error = await rejectionOf(handler(ops).execute(new ReplayDeadLetterCommand(application.id, deadLetter.id), ACTOR));

    expect(asPigeonError(error).message).toBe('validation error: Dead letter has already been replayed');
    expect(ops.messages.attemptsOf(deadLetter.messageId)).toHaveLength(2);
  });

  it('reports a concurrent replay as already replayed', async () => {
    const { ops, application, deadLetter } = await setUpDeadLetter();
    ops.deadLetters.beforeReplay = () => {
      ops.deadLetters.markReplayed(deadLetter.id, ops.clock.now());
    };

    const error = await rejectionOf(handler(ops).execute(new ReplayDeadLetterCommand(application.id, deadLetter.id), ACTOR));

    expect(asPigeonError(error).message).toBe('validation error: Dead letter has already been replayed');
    expect(ops.messages.attemptsOf(deadLetter.messageId)).toHaveLength(1);
  });

  it('reports a dead letter of another application as not found', async () => {
    const { ops, sibling, deadLetter } = await setUpDeadLetter();

    const error = await rejectionOf(handler(ops).execute(new ReplayDeadLetterCommand(sibling.id, deadLetter.id), ACTOR));

    expect(asPigeonError(error).code).toBe('not_found');
    expect(ops.messages.attemptsOf(deadLetter.messageId)).toHaveLength(1);
  });
});

describe('ListDeadLettersHandler', () => {
  it('lists newest first', async () => {
    const { ops, application, attempt, deadLetter } = await setUpDeadLetter();
    ops.clock.advance(1000);
    const newer = ops.deadLetters.add(attempt, application.id);
    const sut = new ListDeadLettersHandler(ops.applications, ops.deadLetters);

    const page = await sut.execute(new ListDeadLettersQuery(application.id, PAGE, ANY_FILTER), ACTOR);

    expect(page.items.map((item) => item.id)).toEqual([newer.id, deadLetter.id]);
    expect(page.total).toBe(2);
  });

  it('filters by replayed', async () => {
    const { ops, application, attempt, deadLetter } = await setUpDeadLetter();
    const replayed = ops.deadLetters.add(attempt, application.id, { replayedAt: ops.clock.now() });
    const sut = new ListDeadLettersHandler(ops.applications, ops.deadLetters);

    const open = await sut.execute(new ListDeadLettersQuery(application.id, PAGE, { endpointId: null, replayed: false }), ACTOR);
    const done = await sut.execute(new ListDeadLettersQuery(application.id, PAGE, { endpointId: null, replayed: true }), ACTOR);

    expect(open.items.map((item) => item.id)).toEqual([deadLetter.id]);
    expect(done.items.map((item) => item.id)).toEqual([replayed.id]);
  });

  it('filters by endpoint', async () => {
    const { ops, application, attempt, deadLetter, endpoint } = await setUpDeadLetter();
    const other = await ops.anEndpoint(application.id, []);
    ops.deadLetters.add({ ...attempt, endpointId: other.id }, application.id);
    const sut = new ListDeadLettersHandler(ops.applications, ops.deadLetters);

    const page = await sut.execute(new ListDeadLettersQuery(application.id, PAGE, { endpointId: endpoint.id, replayed: null }), ACTOR);

    expect(page.items.map((item) => item.id)).toEqual([deadLetter.id]);
  });

  it('reports an application of another organization as not found', async () => {
    const { ops, application } = await setUpDeadLetter();
    const sut = new ListDeadLettersHandler(ops.applications, ops.deadLetters);

    const error = await rejectionOf(sut.execute(new ListDeadLettersQuery(application.id, PAGE, ANY_FILTER), OTHER_ORG_ACTOR));

    expect(asPigeonError(error).code).toBe('not_found');
  });
});

describe('GetDeadLetterHandler', () => {
  it('returns a dead letter of the application', async () => {
    const { ops, application, deadLetter } = await setUpDeadLetter();
    const sut = new GetDeadLetterHandler(ops.applications, ops.deadLetters);

    const found = await sut.execute(new GetDeadLetterQuery(application.id, deadLetter.id), ACTOR);

    expect(found).toMatchObject({ id: deadLetter.id, lastResponseCode: 503, lastResponseBody: 'unavailable', replayedAt: null });
  });

  it('reports a dead letter of another application as not found', async () => {
    const { ops, sibling, deadLetter } = await setUpDeadLetter();
    const sut = new GetDeadLetterHandler(ops.applications, ops.deadLetters);

    const error = await rejectionOf(sut.execute(new GetDeadLetterQuery(sibling.id, deadLetter.id), ACTOR));

    expect(asPigeonError(error).code).toBe('not_found');
  });
});

describe('operations commands', () => {
  it.each([
    ['RotateSigningSecret', new RotateSigningSecretCommand('app', 'endpoint')],
    ['RevokeSigningSecret', new RevokeSigningSecretCommand('app', 'endpoint', 0)],
    ['SendTestEvent', new SendTestEventCommand('app', 'endpoint')],
    ['RetriggerMessage', new RetriggerMessageCommand('app', 'message')],
    ['RetryAttempt', new RetryAttemptCommand('app', 'attempt')],
    ['ReplayDeadLetter', new ReplayDeadLetterCommand('app', 'dead-letter')],
  ])('names %s in the audit log', (name, command) => {
    expect(command.commandName).toBe(name);
  });
});
