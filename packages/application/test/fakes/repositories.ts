import {
  type Application,
  type Attempt,
  duplicateEventTypeName,
  type Endpoint,
  type EventType,
  type Message,
  newId,
  PigeonError,
} from '@pigeon/domain';

import {
  ApplicationRepository,
  type AuditEntry,
  type Clock,
  EndpointRepository,
  EventTypeRepository,
  type MessageFilters,
  MessageRepository,
  type MessageView,
  type Page,
  type PageRequest,
  type SendRefusal,
  type SendRequest,
  type SendResult,
} from '../../src';

function paginate<T>(items: readonly T[], request: PageRequest): Page<T> {
  return {
    items: items.slice(request.offset, request.offset + request.limit),
    total: items.length,
    offset: request.offset,
    limit: request.limit,
  };
}

/** Writes only when the stored version matches, as the PostgreSQL adapters do with `WHERE version = $n`. */
function replaceVersioned<T extends { id: string; version: number }>(
  store: Map<string, T>,
  updated: T,
  expectedVersion: number,
  belongs: (stored: T) => boolean,
): void {
  const stored = store.get(updated.id);
  if (stored === undefined || !belongs(stored) || stored.version !== expectedVersion) {
    throw PigeonError.versionConflict();
  }

  store.set(updated.id, updated);
}

export class InMemoryEventTypeRepository extends EventTypeRepository {
  readonly eventTypes = new Map<string, EventType>();

  async insert(eventType: EventType): Promise<void> {
    const nameTaken = [...this.eventTypes.values()].some(
      (stored) => stored.appId === eventType.appId && stored.name === eventType.name,
    );
    if (nameTaken) {
      throw duplicateEventTypeName();
    }

    this.eventTypes.set(eventType.id, eventType);
  }

  async findInApp(appId: string, id: string): Promise<EventType | null> {
    const stored = this.eventTypes.get(id);

    return stored !== undefined && stored.appId === appId ? stored : null;
  }

  async listInApp(appId: string, page: PageRequest): Promise<Page<EventType>> {
    const visible = [...this.eventTypes.values()].filter((stored) => stored.appId === appId && !stored.system);

    return paginate(visible, page);
  }

  async findUnknownIds(appId: string, ids: readonly string[]): Promise<string[]> {
    return ids.filter((id) => {
      const stored = this.eventTypes.get(id);

      return stored === undefined || stored.appId !== appId || stored.system;
    });
  }

  async update(eventType: EventType, expectedVersion: number): Promise<void> {
    replaceVersioned(this.eventTypes, eventType, expectedVersion, (stored) => stored.appId === eventType.appId);
  }

  async delete(appId: string, id: string): Promise<boolean> {
    if ((await this.findInApp(appId, id)) === null) {
      return false;
    }

    return this.eventTypes.delete(id);
  }
}

export class InMemoryApplicationRepository extends ApplicationRepository {
  readonly applications = new Map<string, Application>();

  constructor(private readonly eventTypes: InMemoryEventTypeRepository) {
    super();
  }

  async insert(application: Application, testEventType: EventType): Promise<void> {
    const uidTaken = [...this.applications.values()].some(
      (stored) => stored.orgId === application.orgId && stored.uid === application.uid,
    );
    if (uidTaken) {
      throw PigeonError.validation('Application with this UID already exists');
    }

    this.applications.set(application.id, application);
    await this.eventTypes.insert(testEventType);
  }

  async findInOrg(orgId: string, id: string): Promise<Application | null> {
    const stored = this.applications.get(id);

    return stored !== undefined && stored.orgId === orgId ? stored : null;
  }

  async listInOrg(orgId: string, page: PageRequest, search: string | null): Promise<Page<Application>> {
    const needle = search?.toLowerCase() ?? '';
    const matching = [...this.applications.values()].filter(
      (stored) =>
        stored.orgId === orgId &&
        (needle === '' || stored.name.toLowerCase().includes(needle) || stored.uid.toLowerCase().includes(needle)),
    );

    return paginate(matching, page);
  }

  async update(application: Application, expectedVersion: number): Promise<void> {
    replaceVersioned(this.applications, application, expectedVersion, (stored) => stored.orgId === application.orgId);
  }

  async delete(orgId: string, id: string): Promise<boolean> {
    if ((await this.findInOrg(orgId, id)) === null) {
      return false;
    }

    return this.applications.delete(id);
  }
}

export class InMemoryEndpointRepository extends EndpointRepository {
  readonly endpoints = new Map<string, Endpoint>();

  async insert(endpoint: Endpoint): Promise<void> {
    this.endpoints.set(endpoint.id, endpoint);
  }

  async findInApp(appId: string, id: string): Promise<Endpoint | null> {
    const stored = this.endpoints.get(id);

    return stored !== undefined && stored.appId === appId ? stored : null;
  }

  async listInApp(appId: string, page: PageRequest): Promise<Page<Endpoint>> {
    return paginate(
      [...this.endpoints.values()].filter((stored) => stored.appId === appId),
      page,
    );
  }

  async update(endpoint: Endpoint, expectedVersion: number): Promise<void> {
    replaceVersioned(this.endpoints, endpoint, expectedVersion, (stored) => stored.appId === endpoint.appId);
  }

  async delete(appId: string, id: string): Promise<boolean> {
    if ((await this.findInApp(appId, id)) === null) {
      return false;
    }

    return this.endpoints.delete(id);
  }
}

/**
 * Messages with idempotency and fan-out: a send creates one pending attempt per
 * enabled endpoint of the application subscribed to the message's event type,
 * unless an unexpired message with the same key exists in the application.
 */
export class InMemoryMessageRepository extends MessageRepository {
  readonly messages = new Map<string, Message>();
  readonly attempts: Attempt[] = [];
  /** Audit entries that sends stored with their writes. */
  readonly audited: AuditEntry[] = [];

  constructor(
    private readonly applications: InMemoryApplicationRepository,
    private readonly eventTypes: InMemoryEventTypeRepository,
    private readonly endpoints: InMemoryEndpointRepository,
    private readonly clock: Clock,
  ) {
    super();
  }

  async send(request: SendRequest): Promise<SendResult | SendRefusal> {
    const { message } = request;
    if ((await this.applications.findInOrg(request.orgId, message.appId)) === null) {
      return 'application_not_found';
    }
    const eventType = await this.eventTypes.findInApp(message.appId, message.eventTypeId);
    if (eventType === null || eventType.system) {
      return 'event_type_not_found';
    }

    this.audited.push(request.audit);
    const now = this.clock.now();
    const existing = [...this.messages.values()].find(
      (stored) =>
        stored.appId === message.appId &&
        stored.idempotencyKey === message.idempotencyKey &&
        stored.idempotencyExpiresAt.getTime() > now.getTime(),
    );
    if (existing !== undefined) {
      return { message: existing, attemptsCreated: 0, duplicate: true };
    }

    this.messages.set(message.id, message);
    const targets = [...this.endpoints.endpoints.values()].filter(
      (endpoint) =>
        endpoint.appId === message.appId && endpoint.enabled && endpoint.eventTypeIds.includes(message.eventTypeId),
    );
    for (const endpoint of targets) {
      this.attempts.push(pendingAttempt(message, endpoint, now));
    }

    return { message, attemptsCreated: targets.length, duplicate: false };
  }

  async findInApp(appId: string, id: string): Promise<MessageView | null> {
    const stored = this.messages.get(id);

    return stored !== undefined && stored.appId === appId ? this.view(stored) : null;
  }

  async listInApp(appId: string, page: PageRequest, filters: MessageFilters): Promise<Page<MessageView>> {
    // NOTE: the status filter is not modelled here; handler tests only need the event type filter.
    const matching = [...this.messages.values()].filter(
      (stored) => stored.appId === appId && (filters.eventTypeId === null || stored.eventTypeId === filters.eventTypeId),
    );

    return paginate(matching.map((stored) => this.view(stored)), page);
  }

  async listAttempts(appId: string, messageId: string): Promise<Attempt[]> {
    const message = this.messages.get(messageId);
    if (message === undefined || message.appId !== appId) {
      return [];
    }

    return this.attempts.filter((attempt) => attempt.messageId === messageId);
  }

  attemptsOf(messageId: string): Attempt[] {
    return this.attempts.filter((attempt) => attempt.messageId === messageId);
  }

  private view(message: Message): MessageView {
    const attempts = this.attemptsOf(message.id);

    return {
      message,
      attemptsCreated: attempts.length,
      succeeded: attempts.filter((attempt) => attempt.status === 'succeeded').length,
      failed: attempts.filter((attempt) => attempt.status === 'failed').length,
      deadLettered: 0,
    };
  }
}

function pendingAttempt(message: Message, endpoint: Endpoint, now: Date): Attempt {
  return {
    id: newId(),
    messageId: message.id,
    endpointId: endpoint.id,
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
