import type { MessageView, Page, SendResult } from '@pigeon/application';
import { type Application, type Attempt, type Endpoint, type EventType, maskSigningSecret } from '@pigeon/domain';

import { RawJson } from '../http/raw-json';

// Responses are built field by field, so a new column (a secret) never leaks by default.

export function applicationResponse(application: Application) {
  return {
    id: application.id,
    org_id: application.orgId,
    name: application.name,
    uid: application.uid,
    created_at: application.createdAt.toISOString(),
    version: application.version,
  };
}

export function eventTypeResponse(eventType: EventType) {
  return {
    id: eventType.id,
    app_id: eventType.appId,
    name: eventType.name,
    schema: eventType.schema ?? null,
    created_at: eventType.createdAt.toISOString(),
    version: eventType.version,
  };
}

export function endpointResponse(endpoint: Endpoint) {
  return {
    id: endpoint.id,
    app_id: endpoint.appId,
    name: endpoint.name,
    url: endpoint.url,
    enabled: endpoint.enabled,
    signing_secrets_masked: endpoint.signingSecrets.map(maskSigningSecret),
    event_type_ids: [...endpoint.eventTypeIds],
    created_at: endpoint.createdAt.toISOString(),
    version: endpoint.version,
  };
}

/** The only response that carries a full secret: the one right after creation. */
export function createdEndpointResponse(endpoint: Endpoint) {
  return { ...endpointResponse(endpoint), signing_secret: endpoint.signingSecrets[0] ?? null };
}

export function sendMessageResponse(result: SendResult) {
  const { message } = result;

  return {
    id: message.id,
    app_id: message.appId,
    event_type_id: message.eventTypeId,
    payload: new RawJson(message.payload),
    idempotency_key: message.idempotencyKey,
    created_at: message.createdAt.toISOString(),
    attempts_created: result.attemptsCreated,
    was_duplicate: result.duplicate,
  };
}

export function messageResponse(view: MessageView) {
  const { message } = view;

  return {
    id: message.id,
    app_id: message.appId,
    event_type_id: message.eventTypeId,
    payload: new RawJson(message.payload),
    idempotency_key: message.idempotencyKey,
    created_at: message.createdAt.toISOString(),
    attempts_created: view.attemptsCreated,
    succeeded: view.succeeded,
    failed: view.failed,
    dead_lettered: view.deadLettered,
  };
}

export function attemptResponse(attempt: Attempt) {
  return {
    id: attempt.id,
    message_id: attempt.messageId,
    endpoint_id: attempt.endpointId,
    status: attempt.status,
    response_code: attempt.responseCode,
    response_body: attempt.responseBody,
    error: attempt.error,
    attempted_at: attempt.attemptedAt?.toISOString() ?? null,
    next_attempt_at: attempt.nextAttemptAt?.toISOString() ?? null,
    attempt_number: attempt.attemptNumber,
    duration_ms: attempt.durationMs,
  };
}

export function pageResponse<T, R>(page: Page<T>, present: (item: T) => R) {
  return { items: page.items.map(present), total: page.total, offset: page.offset, limit: page.limit };
}
