import {
  type Application,
  createApplication,
  createEndpoint,
  createEventType,
  createTestEventType,
  type Endpoint,
  type EventType,
  PigeonError,
  RetryPolicy,
} from '@pigeon/domain';

import { type Actor, type AuditEntry, DeliveryAttempt, type DeliveryTask } from '../src';
import {
  CollectingLogger,
  FakeClock,
  InMemoryApplicationRepository,
  InMemoryEndpointRepository,
  InMemoryEventTypeRepository,
  InMemoryMessageRepository,
  type RecordingDeliveryQueue,
  ScriptedWebhookSender,
} from './fakes';

export const ACTOR: Actor = { orgId: 'org-a', subject: 'alice@example.com' };

/** Returns the success entry the command bus hands a self-auditing send. */
export function sendAudit(actor: Actor): AuditEntry {
  return {
    orgId: actor.orgId,
    actor: actor.subject,
    commandName: 'SendMessage',
    success: true,
    errorMessage: null,
    timestamp: new Date('2026-01-01T00:00:00Z'),
  };
}
export const OTHER_ORG_ACTOR: Actor = { orgId: 'org-b', subject: 'bob@example.com' };

/** The in-memory repositories of one test, wired to one clock. */
export class Catalog {
  readonly clock = new FakeClock();
  readonly eventTypes = new InMemoryEventTypeRepository();
  readonly applications = new InMemoryApplicationRepository(this.eventTypes);
  readonly endpoints = new InMemoryEndpointRepository();
  readonly messages = new InMemoryMessageRepository(this.applications, this.eventTypes, this.endpoints, this.clock);

  /** Stores an application of `orgId` and returns it with its hidden test event type. */
  async anApplication(orgId: string, uid = 'billing'): Promise<{ application: Application; testEventType: EventType }> {
    const application = createApplication({ orgId, name: 'Billing', uid, now: this.clock.now() });
    const testEventType = createTestEventType(application.id, this.clock.now());
    await this.applications.insert(application, testEventType);

    return { application, testEventType };
  }

  async anEventType(appId: string, name = 'invoice.paid', schema: unknown = null): Promise<EventType> {
    const eventType = createEventType({ appId, name, schema, now: this.clock.now() });
    await this.eventTypes.insert(eventType);

    return eventType;
  }

  async anEndpoint(appId: string, eventTypeIds: readonly string[], enabled = true): Promise<Endpoint> {
    const endpoint = {
      ...createEndpoint({ appId, name: null, url: 'https://hooks.example.com/pigeon', eventTypeIds, now: this.clock.now() }),
      enabled,
    };
    await this.endpoints.insert(endpoint);

    return endpoint;
  }
}

/** A DeliveryAttempt over `queue` with a scripted sender, a collecting logger and 5 tries. */
export function aDeliveryAttempt<Q extends RecordingDeliveryQueue>(queue: Q) {
  const sender = new ScriptedWebhookSender();
  const logger = new CollectingLogger();
  const retryPolicy = new RetryPolicy({ maxTries: 5, backoffBaseSeconds: 30, maxBackoffSeconds: 3600, schedule: [] });
  const attempt = new DeliveryAttempt(queue, sender, retryPolicy, new FakeClock(), logger, {
    httpTimeoutMs: 30_000,
    userAgent: 'Pigeon/1.4.0',
    autoDisableThreshold: 0,
  });

  return { queue, sender, logger, attempt };
}

export function aDeliveryTask(overrides: Partial<DeliveryTask> = {}): DeliveryTask {
  return {
    attemptId: 'attempt-1',
    claimToken: 'claim-1',
    messageId: 'msg_2f6b1c',
    endpointId: 'endpoint-1',
    appId: 'app-1',
    orgId: 'org-1',
    attemptNumber: 1,
    url: 'https://hooks.example.com/pigeon',
    signingSecrets: [`whsec_${'ab'.repeat(32)}`],
    eventTypeName: 'invoice.paid',
    payload: '{"invoice":"in_1","amount":12345678901234567890123,"note":"café"}',
    ...overrides,
  };
}

/** Awaits `promise` and returns its rejection reason; fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }

  throw new Error('expected the promise to reject, but it resolved');
}

export function asPigeonError(error: unknown): PigeonError {
  if (!(error instanceof PigeonError)) {
    throw new Error(`expected a PigeonError, got ${String(error)}`);
  }

  return error;
}
