import { newId } from './identifiers';
import { PigeonError } from './errors';
import { requireMaxLength } from './text';

export const MAX_IDEMPOTENCY_KEY_LENGTH = 256;

export interface Message {
  readonly id: string;
  readonly appId: string;
  readonly eventTypeId: string;
  /** Compact JSON text of the payload; these are the bytes every delivery sends. */
  readonly payload: string;
  readonly idempotencyKey: string;
  readonly idempotencyExpiresAt: Date;
  readonly createdAt: Date;
}

export function createMessage(input: {
  appId: string;
  eventTypeId: string;
  payload: string;
  idempotencyKey: string | null | undefined;
  idempotencyTtlSeconds: number;
  now: Date;
}): Message {
  const id = newId();
  const key = input.idempotencyKey ?? id;
  if (key.trim() === '') {
    // An empty key would make every keyless-looking send of the application a duplicate of the first.
    throw PigeonError.validation('idempotency_key must not be empty');
  }
  requireMaxLength(key, MAX_IDEMPOTENCY_KEY_LENGTH, 'idempotency_key');

  return {
    id,
    appId: input.appId,
    eventTypeId: input.eventTypeId,
    payload: input.payload,
    idempotencyKey: key,
    idempotencyExpiresAt: new Date(input.now.getTime() + input.idempotencyTtlSeconds * 1000),
    createdAt: input.now,
  };
}
