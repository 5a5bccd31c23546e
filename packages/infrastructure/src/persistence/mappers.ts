import type { AuditRecord } from '@pigeon/application';
import type { Application, Attempt, AttemptStatus, DeadLetter, Endpoint, EventType, Message, OidcConfig, Organization } from '@pigeon/domain';

// Row shapes as the pg driver returns them: timestamptz as Date, bigint as string.

export interface ApplicationRow {
  id: string;
  org_id: string;
  name: string;
  uid: string;
  created_at: Date;
  version: number;
}

export function toApplication(row: ApplicationRow): Application {
  return { id: row.id, orgId: row.org_id, name: row.name, uid: row.uid, createdAt: row.created_at, version: row.version };
}

export interface EventTypeRow {
  id: string;
  app_id: string;
  name: string;
  schema: unknown;
  system: boolean;
  created_at: Date;
  version: number;
}

export function toEventType(row: EventTypeRow): EventType {
  return {
    id: row.id,
    appId: row.app_id,
    name: row.name,
    schema: row.schema ?? null,
    system: row.system,
    createdAt: row.created_at,
    version: row.version,
  };
}

export interface EndpointRow {
  id: string;
  app_id: string;
  name: string;
  url: string;
  enabled: boolean;
  signing_secrets: string[];
  event_type_ids: string[] | null;
  created_at: Date;
  version: number;
}

export function toEndpoint(row: EndpointRow): Endpoint {
  return {
    id: row.id,
    appId: row.app_id,
    name: row.name,
    url: row.url,
    enabled: row.enabled,
    signingSecrets: row.signing_secrets,
    eventTypeIds: row.event_type_ids ?? [],
    createdAt: row.created_at,
    version: row.version,
  };
}

export interface MessageRow {
  id: string;
  app_id: string;
  event_type_id: string;
  payload: string;
  idempotency_key: string;
  idempotency_expires_at: Date;
  created_at: Date;
}

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    appId: row.app_id,
    eventTypeId: row.event_type_id,
    payload: row.payload,
    idempotencyKey: row.idempotency_key,
    idempotencyExpiresAt: row.idempotency_expires_at,
    createdAt: row.created_at,
  };
}

export interface AttemptRow {
  id: string;
  message_id: string;
  endpoint_id: string;
  status: AttemptStatus;
  response_code: number | null;
  response_body: string | null;
  error: string | null;
  attempted_at: Date | null;
  next_attempt_at: Date | null;
  attempt_number: number;
  duration_ms: string | null;
  created_at: Date;
}

export function toAttempt(row: AttemptRow): Attempt {
  return {
    id: row.id,
    messageId: row.message_id,
    endpointId: row.endpoint_id,
    status: row.status,
    responseCode: row.response_code,
    responseBody: row.response_body,
    error: row.error,
    attemptedAt: row.attempted_at,
    nextAttemptAt: row.next_attempt_at,
    attemptNumber: row.attempt_number,
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
    createdAt: row.created_at,
  };
}

export interface DeadLetterRow {
  id: string;
  message_id: string;
  endpoint_id: string;
  app_id: string;
  last_response_code: number | null;
  last_response_body: string | null;
  last_error: string | null;
  dead_lettered_at: Date;
  replayed_at: Date | null;
}

export function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    id: row.id,
    messageId: row.message_id,
    endpointId: row.endpoint_id,
    appId: row.app_id,
    lastResponseCode: row.last_response_code,
    lastResponseBody: row.last_response_body,
    lastError: row.last_error,
    deadLetteredAt: row.dead_lettered_at,
    replayedAt: row.replayed_at,
  };
}

export interface OrganizationRow {
  id: string;
  name: string;
  slug: string;
  created_at: Date;
  version: number;
}

export function toOrganization(row: OrganizationRow): Organization {
  return { id: row.id, name: row.name, slug: row.slug, createdAt: row.created_at, version: row.version };
}

export interface OidcConfigRow {
  id: string;
  org_id: string;
  issuer_url: string;
  audience: string;
  jwks_url: string;
  created_at: Date;
  version: number;
}

export function toOidcConfig(row: OidcConfigRow): OidcConfig {
  return {
    id: row.id,
    orgId: row.org_id,
    issuerUrl: row.issuer_url,
    audience: row.audience,
    jwksUrl: row.jwks_url,
    createdAt: row.created_at,
    version: row.version,
  };
}

export interface AuditLogRow {
  id: string;
  command_name: string;
  actor: string;
  timestamp: Date;
  success: boolean;
  error_message: string | null;
}

export function toAuditRecord(row: AuditLogRow): AuditRecord {
  return {
    id: row.id,
    commandName: row.command_name,
    actor: row.actor,
    timestamp: row.timestamp,
    success: row.success,
    errorMessage: row.error_message,
  };
}

/** Escapes `%`, `_` and `\` so user text in ILIKE matches literally. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
