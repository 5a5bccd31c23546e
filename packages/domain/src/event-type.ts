import { PigeonError } from './errors';
import { newId } from './identifiers';
import { requireMaxLength, requireText } from './text';
import { assertVersion, INITIAL_VERSION } from './versioned';

/** Name of the hidden event type every application gets for test deliveries. */
export const TEST_EVENT_TYPE_NAME = 'pigeon.test';

export const MAX_EVENT_TYPE_NAME_LENGTH = 256;

export interface EventType {
  readonly id: string;
  readonly appId: string;
  readonly name: string;
  /** JSON text of the schema as the client sent it, or null. Stored and echoed, never enforced. */
  readonly schema: unknown;
  /** System event types are hidden from lists and cannot be renamed, subscribed to or deleted. */
  readonly system: boolean;
  readonly createdAt: Date;
  readonly version: number;
}

function validateName(name: string): void {
  requireText(name, 'event type name must not be empty');
  requireMaxLength(name, MAX_EVENT_TYPE_NAME_LENGTH, 'event type name');
}

export function createEventType(input: { appId: string; name: string; schema: unknown; now: Date }): EventType {
  validateName(input.name);

  return {
    id: newId(),
    appId: input.appId,
    name: input.name,
    schema: input.schema ?? null,
    system: false,
    createdAt: input.now,
    version: INITIAL_VERSION,
  };
}

export function createTestEventType(appId: string, now: Date): EventType {
  return {
    id: newId(),
    appId,
    name: TEST_EVENT_TYPE_NAME,
    schema: null,
    system: true,
    createdAt: now,
    version: INITIAL_VERSION,
  };
}

export function updateEventType(
  eventType: EventType,
  change: { name: string; schema: unknown; expectedVersion: number },
): EventType {
  assertVersion(eventType.version, change.expectedVersion);
  if (eventType.system) {
    throw PigeonError.validation('System event types cannot be modified');
  }
  validateName(change.name);

  return { ...eventType, name: change.name, schema: change.schema ?? null, version: eventType.version + 1 };
}

export function assertDeletable(eventType: EventType): void {
  if (eventType.system) {
    throw PigeonError.validation('System event types cannot be deleted');
  }
}

export function duplicateEventTypeName(): PigeonError {
  return PigeonError.validation('Event type with this name already exists for this application');
}
