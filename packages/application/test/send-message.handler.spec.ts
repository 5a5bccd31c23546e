import { SendMessageCommand, SendMessageHandler } from '../src';
import { ACTOR, asPigeonError, Catalog, rejectionOf, sendAudit } from './builders';

const TTL_SECONDS = 86_400;

async function setUp() {
  const catalog = new Catalog();
  const { application, testEventType } = await catalog.anApplication(ACTOR.orgId, 'billing');
  const eventType = await catalog.anEventType(application.id, 'invoice.paid');
  const otherEventType = await catalog.anEventType(application.id, 'invoice.void');
  const { application: sibling } = await catalog.anApplication(ACTOR.orgId, 'shipping');
  const siblingEventType = await catalog.anEventType(sibling.id, 'parcel.sent');
  const sut = new SendMessageHandler(catalog.messages, catalog.clock, {
    idempotencyTtlSeconds: TTL_SECONDS,
  });

  return { sut, catalog, application, eventType, otherEventType, testEventType, siblingEventType };
}

describe('SendMessageHandler', () => {
  it('stores the compact payload text', async () => {
    const { sut, application, eventType } = await setUp();

    const result = await sut.execute(
      new SendMessageCommand(application.id, eventType.id, '{ "amount": 12345678901234567890123,\n "b": 1e21 }', null),
      ACTOR,
      sendAudit(ACTOR),
    );

    expect(result.message.payload).toBe('{"amount":12345678901234567890123,"b":1e21}');
    expect(result.duplicate).toBe(false);
  });

  it('fans out only to enabled subscribed endpoints', async () => {
    const { sut, catalog, application, eventType, otherEventType, siblingEventType } = await setUp();
    const subscribed = await catalog.anEndpoint(application.id, [eventType.id]);
    const alsoSubscribed = await catalog.anEndpoint(application.id, [otherEventType.id, eventType.id]);
    await catalog.anEndpoint(application.id, [eventType.id], false);
    await catalog.anEndpoint(application.id, [otherEventType.id]);
    await catalog.anEndpoint(application.id, []);
    await catalog.anEndpoint(siblingEventType.appId, [siblingEventType.id]);

    const result = await sut.execute(new SendMessageCommand(application.id, eventType.id, '{"id":1}', null), ACTOR, sendAudit(ACTOR));

    const attempts = catalog.messages.attemptsOf(result.message.id);
    expect(result.attemptsCreated).toBe(2);
    expect(attempts.map((attempt) => attempt.endpointId).sort()).toEqual([subscribed.id, alsoSubscribed.id].sort());
    expect(attempts.every((attempt) => attempt.status === 'pending' && attempt.attemptNumber === 1)).toBe(true);
  });

  it('creates no attempts without subscribers', async () => {
    const { sut, catalog, application, eventType } = await setUp();

    const result = await sut.execute(new SendMessageCommand(application.id, eventType.id, '{"id":1}', null), ACTOR, sendAudit(ACTOR));

    expect(result.attemptsCreated).toBe(0);
    expect(catalog.messages.messages.get(result.message.id)).toEqual(result.message);
  });

  it('returns the stored message for a repeated idempotency key', async () => {
    const { sut, catalog, application, eventType } = await setUp();
    await catalog.anEndpoint(application.id, [eventType.id]);
    const first = await sut.execute(new SendMessageCommand(application.id, eventType.id, '{"id":1}', 'order-42'), ACTOR, sendAudit(ACTOR));

    const second = await sut.execute(new SendMessageCommand(application.id, eventType.id, '{"id":2}', 'order-42'), ACTOR, sendAudit(ACTOR));

    expect(second.duplicate).toBe(true);
    expect(second.attemptsCreated).toBe(0);
    expect(second.message).toEqual(first.message);
    expect(catalog.messages.messages.size).toBe(1);
    expect(catalog.messages.attempts).toHaveLength(1);
  });

  it('accepts a repeated key after it expires', async () => {
    const { sut, catalog, application, eventType } = await setUp();
    const first = await sut.execute(new SendMessageCommand(application.id, eventType.id, '{"id":1}', 'order-42'), ACTOR, sendAudit(ACTOR));
    catalog.clock.advance(TTL_SECONDS * 1000);

    const second = await sut.execute(new SendMessageCommand(application.id, eventType.id, '{"id":2}', 'order-42'), ACTOR, sendAudit(ACTOR));

    expect(second.duplicate).toBe(false);
    expect(second.message.id).not.toBe(first.message.id);
  });

  it('sets the key expiry from the clock and the TTL', async () => {
    const { sut, catalog, application, eventType } = await setUp();

    const result = await sut.execute(new SendMessageCommand(application.id, eventType.id, '{"id":1}', 'order-42'), ACTOR, sendAudit(ACTOR));

    expect(result.message.idempotencyExpiresAt).toEqual(new Date(catalog.clock.now().getTime() + TTL_SECONDS * 1000));
  });

  it('rejects an event type of another application', async () => {
    const { sut, catalog, application, siblingEventType } = await setUp();

    const error = await rejectionOf(
      sut.execute(new SendMessageCommand(application.id, siblingEventType.id, '{"id":1}', null), ACTOR, sendAudit(ACTOR)),
    );

    expect(asPigeonError(error).code).toBe('validation_failed');
    expect(asPigeonError(error).message).toBe(`validation error: Event type not found: ${siblingEventType.id}`);
    expect(catalog.messages.messages.size).toBe(0);
  });

  it('rejects the system test event type', async () => {
    const { sut, catalog, application, testEventType } = await setUp();

    const error = await rejectionOf(
      sut.execute(new SendMessageCommand(application.id, testEventType.id, '{"id":1}', null), ACTOR, sendAudit(ACTOR)),
    );

    expect(asPigeonError(error).message).toBe(`validation error: Event type not found: ${testEventType.id}`);
    expect(catalog.messages.messages.size).toBe(0);
  });

  it('rejects a payload that is not an object', async () => {
    const { sut, application, eventType } = await setUp();

    const error = await rejectionOf(sut.execute(new SendMessageCommand(application.id, eventType.id, '[1,2]', null), ACTOR, sendAudit(ACTOR)));

    expect(asPigeonError(error).message).toBe('validation error: payload must be a JSON object');
  });

  it('rejects an empty idempotency key', async () => {
    const { sut, catalog, application, eventType } = await setUp();

    const error = await rejectionOf(sut.execute(new SendMessageCommand(application.id, eventType.id, '{"id":1}', ''), ACTOR, sendAudit(ACTOR)));

    expect(asPigeonError(error).message).toBe('validation error: idempotency_key must not be empty');
    expect(catalog.messages.messages.size).toBe(0);
  });
});
