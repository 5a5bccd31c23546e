export interface MessageCreated {
  readonly type: 'message_created';
  readonly messageId: string;
  readonly appId: string;
  readonly eventTypeId: string;
  readonly attemptsCreated: number;
}

export interface MessageRetriggered {
  readonly type: 'message_retriggered';
  readonly messageId: string;
  readonly attemptsCreated: number;
}

export interface DeadLettered {
  readonly type: 'dead_lettered';
  readonly messageId: string;
  readonly endpointId: string;
  readonly appId: string;
}

export interface DeadLetterReplayed {
  readonly type: 'dead_letter_replayed';
  readonly deadLetterId: string;
  readonly messageId: string;
  readonly endpointId: string;
}

export interface AttemptSucceeded {
  readonly type: 'attempt_succeeded';
  readonly attemptId: string;
  readonly messageId: string;
  readonly endpointId: string;
  readonly responseCode: number;
  readonly durationMs: number;
}

export interface AttemptFailed {
  readonly type: 'attempt_failed';
  readonly attemptId: string;
  readonly messageId: string;
  readonly endpointId: string;
  /** Null when no response arrived (connection refused, timeout, blocked destination). */
  readonly responseCode: number | null;
  readonly durationMs: number;
  readonly willRetry: boolean;
}

/** An endpoint changed through the API, or was disabled by the worker (auto-disable, 410 Gone). */
export interface EndpointUpdated {
  readonly type: 'endpoint_updated';
  readonly endpointId: string;
  readonly appId: string;
  readonly enabled: boolean;
}

/**
 * Domain events as the outbox records them. Each event is written to
 * `event_outbox` in the transaction of the change it describes. Its stored
 * payload is a JSON object with the snake_case names of these fields, for
 * example `{"message_id": "…", "attempts_created": 2}` for `message_retriggered`.
 */
export type DomainEvent =
  | MessageCreated
  | MessageRetriggered
  | DeadLettered
  | DeadLetterReplayed
  | AttemptSucceeded
  | AttemptFailed
  | EndpointUpdated;

export type DomainEventType = DomainEvent['type'];

/** The result of {@link decodeDomainEvent}: the event, or why the stored row is not one. */
export type DecodedEvent = { readonly ok: true; readonly event: DomainEvent } | { readonly ok: false; readonly reason: string };

type FieldKind = 'uuid' | 'count' | 'status code' | 'nullable status code' | 'boolean';

/** Payload fields of each event type, by their stored snake_case name. */
const PAYLOAD_FIELDS: { readonly [T in DomainEventType]: Readonly<Record<string, FieldKind>> } = {
  message_created: { message_id: 'uuid', app_id: 'uuid', event_type_id: 'uuid', attempts_created: 'count' },
  message_retriggered: { message_id: 'uuid', attempts_created: 'count' },
  dead_lettered: { message_id: 'uuid', endpoint_id: 'uuid', app_id: 'uuid' },
  dead_letter_replayed: { dead_letter_id: 'uuid', message_id: 'uuid', endpoint_id: 'uuid' },
  attempt_succeeded: {
    attempt_id: 'uuid',
    message_id: 'uuid',
    endpoint_id: 'uuid',
    response_code: 'status code',
    duration_ms: 'count',
  },
  attempt_failed: {
    attempt_id: 'uuid',
    message_id: 'uuid',
    endpoint_id: 'uuid',
    response_code: 'nullable status code',
    duration_ms: 'count',
    will_retry: 'boolean',
  },
  endpoint_updated: { endpoint_id: 'uuid', app_id: 'uuid', enabled: 'boolean' },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Checks a stored outbox row's type and payload and converts it into a
 * {@link DomainEvent}. Fields other than the type's own are ignored, so a
 * writer may add fields without breaking older readers.
 */
export function decodeDomainEvent(type: string, payload: unknown): DecodedEvent {
  if (!isDomainEventType(type)) {
    return { ok: false, reason: `unknown event type ${JSON.stringify(type)}` };
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { ok: false, reason: `invalid ${type} payload: not a JSON object` };
  }

  const stored = payload as Readonly<Record<string, unknown>>;
  const event: Record<string, unknown> = { type };
  for (const [field, kind] of Object.entries(PAYLOAD_FIELDS[type])) {
    const value = stored[field];
    if (!hasKind(value, kind)) {
      return { ok: false, reason: `invalid ${type} payload: ${field} must be ${describeKind(kind)}` };
    }

    event[toCamelCase(field)] = value;
  }

  // PAYLOAD_FIELDS lists exactly the fields of each event interface, in snake_case.
  return { ok: true, event: event as unknown as DomainEvent };
}

function isDomainEventType(type: string): type is DomainEventType {
  return Object.prototype.hasOwnProperty.call(PAYLOAD_FIELDS, type);
}

function hasKind(value: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case 'uuid':
      return typeof value === 'string' && UUID.test(value);
    case 'count':
      return Number.isSafeInteger(value) && (value as number) >= 0;
    case 'status code':
      return Number.isInteger(value) && (value as number) >= 100 && (value as number) <= 999;
    case 'nullable status code':
      return value === null || hasKind(value, 'status code');
    case 'boolean':
      return typeof value === 'boolean';
  }
}

function describeKind(kind: FieldKind): string {
  switch (kind) {
    case 'uuid':
      return 'a UUID';
    case 'count':
      return 'a non-negative integer';
    case 'status code':
      return 'an HTTP status code';
    case 'nullable status code':
      return 'an HTTP status code or null';
    case 'boolean':
      return 'a boolean';
  }
}

function toCamelCase(field: string): string {
  return field.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}
