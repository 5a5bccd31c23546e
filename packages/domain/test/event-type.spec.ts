import {
  assertDeletable,
  createEventType,
  createTestEventType,
  duplicateEventTypeName,
  PigeonError,
  TEST_EVENT_TYPE_NAME,
  updateEventType,
} from '../src';
import { anEventType, NOW, thrownBy } from './builders';

const SCHEMA = { type: 'object', properties: { id: { type: 'string' } } };

describe('createEventType', () => {
  it('starts at version 1 as a visible event type', () => {
    const sut = createEventType({ appId: 'app-1', name: 'invoice.paid', schema: SCHEMA, now: NOW });

    expect(sut.version).toBe(1);
    expect(sut.system).toBe(false);
    expect(sut.schema).toEqual(SCHEMA);
    expect(sut.createdAt).toEqual(NOW);
  });

  it('stores an undefined schema as null', () => {
    const sut = anEventType({ schema: undefined });

    expect(sut.schema).toBeNull();
  });

  it.each([
    ['an empty name', '', 'event type name must not be empty'],
    ['a blank name', ' \n', 'event type name must not be empty'],
    ['a name over 256 characters', 'e'.repeat(257), 'event type name must be at most 256 characters'],
  ])('rejects %s', (_case, name, detail) => {
    const error = thrownBy(() => anEventType({ name }));

    expect(error).toBeInstanceOf(PigeonError);
    expect((error as PigeonError).message).toBe(`validation error: ${detail}`);
  });
});

describe('createTestEventType', () => {
  it('creates the hidden pigeon.test system event type', () => {
    const sut = createTestEventType('app-1', NOW);

    expect(sut.name).toBe(TEST_EVENT_TYPE_NAME);
    expect(sut.name).toBe('pigeon.test');
    expect(sut.system).toBe(true);
    expect(sut.appId).toBe('app-1');
    expect(sut.version).toBe(1);
  });
});

describe('updateEventType', () => {
  it('renames, replaces the schema and bumps the version', () => {
    const sut = anEventType();

    const updated = updateEventType(sut, { name: 'invoice.settled', schema: SCHEMA, expectedVersion: 1 });

    expect(updated.name).toBe('invoice.settled');
    expect(updated.schema).toEqual(SCHEMA);
    expect(updated.version).toBe(2);
  });

  it('clears the schema when given null', () => {
    const sut = anEventType({ schema: SCHEMA });

    const updated = updateEventType(sut, { name: sut.name, schema: null, expectedVersion: 1 });

    expect(updated.schema).toBeNull();
  });

  it('rejects a stale version', () => {
    const sut = updateEventType(anEventType(), { name: 'invoice.settled', schema: null, expectedVersion: 1 });

    const error = thrownBy(() => updateEventType(sut, { name: 'invoice.void', schema: null, expectedVersion: 1 }));

    expect(error).toBeInstanceOf(PigeonError);
    expect((error as PigeonError).code).toBe('version_conflict');
  });

  it('rejects a system event type', () => {
    const sut = createTestEventType('app-1', NOW);

    const error = thrownBy(() => updateEventType(sut, { name: 'renamed', schema: null, expectedVersion: 1 }));

    expect((error as PigeonError).code).toBe('validation_failed');
    expect((error as PigeonError).message).toBe('validation error: System event types cannot be modified');
  });

  it('rejects a blank name', () => {
    const sut = anEventType();

    const error = thrownBy(() => updateEventType(sut, { name: '', schema: null, expectedVersion: 1 }));

    expect((error as PigeonError).message).toBe('validation error: event type name must not be empty');
  });
});

describe('assertDeletable', () => {
  it('allows a visible event type', () => {
    const sut = anEventType();

    expect(() => assertDeletable(sut)).not.toThrow();
  });

  it('rejects a system event type', () => {
    const sut = createTestEventType('app-1', NOW);

    const error = thrownBy(() => assertDeletable(sut));

    expect((error as PigeonError).code).toBe('validation_failed');
    expect((error as PigeonError).message).toBe('validation error: System event types cannot be deleted');
  });
});

describe('duplicateEventTypeName', () => {
  it('returns a validation error', () => {
    const error = duplicateEventTypeName();

    expect(error.code).toBe('validation_failed');
    expect(error.message).toBe('validation error: Event type with this name already exists for this application');
  });
});
