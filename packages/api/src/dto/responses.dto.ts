import { ApiProperty } from '@nestjs/swagger';

// Response shapes for the OpenAPI document. The presenters in `presenters/responses.ts`
// build the actual bodies, and these classes only describe them, field for field.

/**
 * Spread into `@ApiProperty` for a field that contains any JSON value. The document
 * shows it as the empty schema (see `canonicalOpenApiDocument`), which generated
 * clients type as `unknown`.
 */
export const ANY_JSON = { anyOf: [{}] };

/** Fields every paginated list shares. Each list class adds its own typed `items`. */
export abstract class PageFields {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Number of items that match the filters, across all pages.' })
  total!: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Number of matching items skipped, as requested.' })
  offset!: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Maximum number of items in this page, as requested or defaulted.' })
  limit!: number;
}

/** Liveness or readiness of the process. */
export class HealthResponse {
  @ApiProperty({ description: '`healthy` for liveness, and `ready` or `not ready` for readiness.', example: 'healthy' })
  status!: string;
}

export class ApplicationResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  org_id!: string;

  @ApiProperty({ example: 'Billing' })
  name!: string;

  @ApiProperty({ description: 'Identifier chosen by the caller, unique within the organization.', example: 'billing' })
  uid!: string;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'Version after the last write. Send it back with an update.' })
  version!: number;
}

export class PaginatedApplicationResponse extends PageFields {
  @ApiProperty({ type: [ApplicationResponse] })
  items!: ApplicationResponse[];
}

export class EventTypeResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  app_id!: string;

  @ApiProperty({ example: 'invoice.paid' })
  name!: string;

  @ApiProperty({ ...ANY_JSON, nullable: true, description: 'Any JSON the caller stored with the event type. Payloads are not checked against it.' })
  schema!: unknown;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ type: 'integer', minimum: 1 })
  version!: number;
}

export class PaginatedEventTypeResponse extends PageFields {
  @ApiProperty({ type: [EventTypeResponse] })
  items!: EventTypeResponse[];
}

export class EndpointResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  app_id!: string;

  @ApiProperty({ example: 'brave-falcon' })
  name!: string;

  @ApiProperty({ example: 'https://example.com/webhooks' })
  url!: string;

  @ApiProperty()
  enabled!: boolean;

  @ApiProperty({ type: [String], description: 'Masked signing secrets, newest first.', example: ['whsec_...x9Lq2A'] })
  signing_secrets_masked!: string[];

  @ApiProperty({ type: 'string', format: 'uuid', isArray: true })
  event_type_ids!: string[];

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ type: 'integer', minimum: 1 })
  version!: number;
}

/** The endpoint right after creation: the only response that carries a full signing secret. */
export class CreatedEndpointResponse extends EndpointResponse {
  @ApiProperty({ description: 'Full signing secret, shown only in this response.' })
  signing_secret!: string;
}

export class PaginatedEndpointResponse extends PageFields {
  @ApiProperty({ type: [EndpointResponse] })
  items!: EndpointResponse[];
}

export class SendMessageResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  app_id!: string;

  @ApiProperty({ format: 'uuid' })
  event_type_id!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The payload exactly as sent.' })
  payload!: Record<string, unknown>;

  @ApiProperty({ description: 'The key sent, or a generated one.' })
  idempotency_key!: string;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Delivery attempts created, 0 for a duplicate.' })
  attempts_created!: number;

  @ApiProperty({ description: 'True when the idempotency key matched an earlier message, which is returned instead.' })
  was_duplicate!: boolean;
}

export class MessageResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  app_id!: string;

  @ApiProperty({ format: 'uuid' })
  event_type_id!: string;

  @ApiProperty({ type: 'object', additionalProperties: true })
  payload!: Record<string, unknown>;

  @ApiProperty()
  idempotency_key!: string;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ type: 'integer', minimum: 0 })
  attempts_created!: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Attempts of the message that succeeded.' })
  succeeded!: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  failed!: number;

  @ApiProperty({ type: 'integer', minimum: 0 })
  dead_lettered!: number;
}

export class PaginatedMessageResponse extends PageFields {
  @ApiProperty({ type: [MessageResponse] })
  items!: MessageResponse[];
}

export class AttemptResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  message_id!: string;

  @ApiProperty({ format: 'uuid' })
  endpoint_id!: string;

  @ApiProperty({ enum: ['pending', 'in_flight', 'succeeded', 'failed'] })
  status!: 'pending' | 'in_flight' | 'succeeded' | 'failed';

  @ApiProperty({ type: 'integer', nullable: true, description: 'HTTP status of the last try, or null before the first try and when no response arrived.' })
  response_code!: number | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'Response body of the last try, cut at the configured maximum size.' })
  response_body!: string | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'Why no HTTP response was received, such as `connection refused`.' })
  error!: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  attempted_at!: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  next_attempt_at!: string | null;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'Number of the current or last HTTP try, starting at 1.' })
  attempt_number!: number;

  @ApiProperty({ type: 'integer', nullable: true })
  duration_ms!: number | null;
}
