import {
  type Application,
  createApplication,
  createEndpoint,
  createEventType,
  createMessage,
  type Endpoint,
  type EventType,
  type Message,
} from '../src';

/** A fixed instant, so expiry and timestamp assertions do not depend on the real clock. */
export const NOW = new Date('2025-03-14T09:26:53.000Z');

export const ORG_ID = '6f1c2b9e-4a55-4f0e-9d8e-0c7a1b2c3d4e';

export function anApplication(overrides: Partial<Parameters<typeof createApplication>[0]> = {}): Application {
  return createApplication({ orgId: ORG_ID, name: 'Billing', uid: 'billing', now: NOW, ...overrides });
}

export function anEventType(overrides: Partial<Parameters<typeof createEventType>[0]> = {}): EventType {
  return createEventType({ appId: 'app-1', name: 'invoice.paid', schema: null, now: NOW, ...overrides });
}

export function anEndpoint(overrides: Partial<Parameters<typeof createEndpoint>[0]> = {}): Endpoint {
  return createEndpoint({
    appId: 'app-1',
    name: 'Ledger',
    url: 'https://hooks.example.com/pigeon',
    eventTypeIds: ['event-type-1'],
    now: NOW,
    ...overrides,
  });
}

export function aMessage(overrides: Partial<Parameters<typeof createMessage>[0]> = {}): Message {
  return createMessage({
    appId: 'app-1',
    eventTypeId: 'event-type-1',
    payload: '{"id":1}',
    idempotencyKey: null,
    idempotencyTtlSeconds: 86_400,
    now: NOW,
    ...overrides,
  });
}

/** Returns what `action` threw, so a test can assert its class, code and message separately. */
export function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }

  throw new Error('expected the action to throw, but it returned');
}
