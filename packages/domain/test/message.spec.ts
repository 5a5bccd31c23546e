import { createMessage, MAX_IDEMPOTENCY_KEY_LENGTH, PigeonError } from '../src';
import { aMessage, NOW, thrownBy } from './builders';

describe('createMessage', () => {
  it('uses the given idempotency key', () => {
    const sut = aMessage({ idempotencyKey: 'order-42' });

    expect(sut.idempotencyKey).toBe('order-42');
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
  ])('uses the message id as the key when the key is %s', (_case, idempotencyKey) => {
    const sut = aMessage({ idempotencyKey });

    expect(sut.idempotencyKey).toBe(sut.id);
  });

  it('expires the key after the TTL', () => {
    const sut = createMessage({
      appId: 'app-1',
      eventTypeId: 'event-type-1',
      payload: '{}',
      idempotencyKey: 'order-42',
      idempotencyTtlSeconds: 3600,
      now: NOW,
    });

    expect(sut.idempotencyExpiresAt).toEqual(new Date('2025-03-14T10:26:53.000Z'));
    expect(sut.createdAt).toEqual(NOW);
  });

  it('stores the payload text unchanged', () => {
    const sut = aMessage({ payload: '{"n":12345678901234567890123}' });

    expect(sut.payload).toBe('{"n":12345678901234567890123}');
  });

  it.each([
    ['empty', ''],
    ['blank', '  '],
  ])('rejects an %s idempotency key', (_case, idempotencyKey) => {
    const error = thrownBy(() => aMessage({ idempotencyKey }));

    expect(error).toBeInstanceOf(PigeonError);
    expect((error as PigeonError).message).toBe('validation error: idempotency_key must not be empty');
  });

  it('accepts a key of exactly 256 characters', () => {
    const sut = aMessage({ idempotencyKey: 'k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH) });

    expect(sut.idempotencyKey).toHaveLength(256);
  });

  it('rejects a key over 256 characters', () => {
    const error = thrownBy(() => aMessage({ idempotencyKey: 'k'.repeat(257) }));

    expect((error as PigeonError).code).toBe('validation_failed');
    expect((error as PigeonError).message).toBe('validation error: idempotency_key must be at most 256 characters');
  });
});
