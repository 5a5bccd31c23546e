import type { Application, Attempt, Endpoint, EventType, Message, OidcConfig, Organization } from '@pigeon/domain';

import type { Page, PageRequest } from './pagination';

/**
 * Persistence ports. Every finder is scoped by the owner id that the caller
 * proved (organization, then application), so a foreign id reads as "not found".
 * `update` methods write only when the stored version equals `expectedVersion`
 * and throw a version conflict otherwise.
 */
export abstract class ApplicationRepository {
  /** Inserts the application and its hidden test event type; throws a validation error when the UID is taken. */
  abstract insert(application: Application, testEventType: EventType): Promise<void>;
  abstract findInOrg(orgId: string, id: string): Promise<Application | null>;
  abstract listInOrg(orgId: string, page: PageRequest, search: string | null): Promise<Page<Application>>;
  abstract update(application: Application, expectedVersion: number): Promise<void>;
  abstract delete(orgId: string, id: string): Promise<boolean>;
}

export abstract class EventTypeRepository {
  /** Throws a validation error when the application already has an event type of that name. */
  abstract insert(eventType: EventType): Promise<void>;
  /** Finds system event types too; callers decide whether a hidden one may be shown or changed. */
  abstract findInApp(appId: string, id: string): Promise<EventType | null>;
  /** Lists visible event types: system ones are left out of items and total. */
  abstract listInApp(appId: string, page: PageRequest): Promise<Page<EventType>>;
  /** Returns the ids that are not visible event types of the application, in request order. */
  abstract findUnknownIds(appId: string, ids: readonly string[]): Promise<string[]>;
  abstract update(eventType: EventType, expectedVersion: number): Promise<void>;
  abstract delete(appId: string, id: string): Promise<boolean>;
}

export abstract class EndpointRepository {
  abstract insert(endpoint: Endpoint): Promise<void>;
  abstract findInApp(appId: string, id: string): Promise<Endpoint | null>;
  abstract listInApp(appId: string, page: PageRequest): Promise<Page<Endpoint>>;
  /** Writes the endpoint and its subscriptions with an `endpoint_updated` outbox event; a stale `expectedVersion` is a version conflict. */
  abstract update(endpoint: Endpoint, expectedVersion: number): Promise<void>;
  abstract delete(appId: string, id: string): Promise<boolean>;
}

export interface MessageCounters {
  readonly attemptsCreated: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly deadLettered: number;
}

export interface MessageView extends MessageCounters {
  readonly message: Message;
}

export interface SendResult {
  readonly message: Message;
  readonly attemptsCreated: number;
  readonly duplicate: boolean;
}

export type MessageStatusFilter = 'delivered' | 'pending' | 'failed' | 'dead_lettered' | 'no_endpoints';

export interface MessageFilters {
  readonly eventTypeId: string | null;
  readonly status: MessageStatusFilter | null;
}

export interface SendRequest {
  readonly message: Message;
  /** Organization of the caller; the message's application must belong to it. */
  readonly orgId: string;
  /** Success entry of the audit log, stored in the same atomic write. */
  readonly audit: AuditEntry;
}

/** Reason a send stored nothing: the application or event type is not the caller's to use. */
export type SendRefusal = 'application_not_found' | 'event_type_not_found';

export abstract class MessageRepository {
  /**
   * Stores a message in one atomic write. The write first checks that the
   * application belongs to `orgId` and that the event type is one of its
   * non-system types. It then stores the message, one pending attempt per
   * enabled endpoint subscribed to the event type, the audit entry and a
   * `message_created` outbox event. When an unexpired message with the same
   * idempotency key exists in the application, only the audit entry is
   * written and that stored message is returned with `duplicate: true`.
   * Concurrent sends with one key resolve to a single message. When a check
   * fails, it writes nothing and returns a refusal.
   */
  abstract send(request: SendRequest): Promise<SendResult | SendRefusal>;
  abstract findInApp(appId: string, id: string): Promise<MessageView | null>;
  abstract listInApp(appId: string, page: PageRequest, filters: MessageFilters): Promise<Page<MessageView>>;
  /** Attempts of a message of the application, by attempt number; empty for a foreign message. */
  abstract listAttempts(appId: string, messageId: string): Promise<Attempt[]>;
}

export abstract class OrganizationRepository {
  /** Creates the organization and its first OIDC config unless any organization exists; returns whether it did. */
  abstract bootstrap(organization: Organization, oidcConfig: OidcConfig): Promise<boolean>;
  abstract findBySlug(slug: string): Promise<Organization | null>;
}

export abstract class OidcConfigRepository {
  /** Configs whose issuer equals `issuerUrl` exactly, across organizations. */
  abstract findByIssuer(issuerUrl: string): Promise<OidcConfig[]>;
}

export interface AuditEntry {
  readonly orgId: string;
  readonly actor: string;
  readonly commandName: string;
  readonly success: boolean;
  readonly errorMessage: string | null;
  readonly timestamp: Date;
}

export abstract class AuditLog {
  abstract record(entry: AuditEntry): Promise<void>;
}
