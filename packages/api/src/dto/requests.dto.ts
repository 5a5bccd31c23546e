import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';

import { ANY_JSON } from './responses.dto';

// Lengths here bound what a request may carry; the domain applies its own rules too.
const MAX_TEXT = 2048;
const MAX_VERSION = 2_147_483_647;

const VERSION_PROPERTY = {
  type: 'integer',
  minimum: 0,
  maximum: MAX_VERSION,
  description: 'The `version` last read; a stale one is rejected with 409.',
} as const;

const SCHEMA_PROPERTY = {
  ...ANY_JSON,
  nullable: true,
  description: 'Any JSON, stored and returned as is; payloads are not checked against it.',
} as const;

const URL_PROPERTY = {
  maxLength: MAX_TEXT * 2,
  description: 'http or https URL that receives the webhooks.',
  example: 'https://example.com/webhooks',
} as const;

const EVENT_TYPE_IDS_PROPERTY = {
  type: 'string',
  format: 'uuid',
  isArray: true,
  maxItems: 1000,
  description: 'Event types of the application to subscribe to; may be empty.',
} as const;

export class CreateApplicationRequest {
  @ApiProperty({ maxLength: MAX_TEXT, description: 'Display name; must not be blank.', example: 'Billing' })
  @IsString() @MaxLength(MAX_TEXT) name!: string;

  @ApiProperty({ maxLength: MAX_TEXT, description: 'Identifier of your choice, unique within the organization.', example: 'billing' })
  @IsString() @MaxLength(MAX_TEXT) uid!: string;
}

export class UpdateApplicationRequest {
  @ApiProperty({ maxLength: MAX_TEXT, example: 'Billing' })
  @IsString() @MaxLength(MAX_TEXT) name!: string;

  @ApiProperty(VERSION_PROPERTY)
  @IsInt() @Min(0) @Max(MAX_VERSION) version!: number;
}

export class CreateEventTypeRequest {
  @ApiProperty({ maxLength: MAX_TEXT, description: 'Unique within the application; must not be blank.', example: 'invoice.paid' })
  @IsString() @MaxLength(MAX_TEXT) name!: string;

  @ApiPropertyOptional(SCHEMA_PROPERTY)
  @IsOptional() schema?: unknown;
}

export class UpdateEventTypeRequest {
  @ApiProperty({ maxLength: MAX_TEXT, example: 'invoice.paid' })
  @IsString() @MaxLength(MAX_TEXT) name!: string;

  @ApiPropertyOptional({ ...SCHEMA_PROPERTY, description: 'Replaces the stored schema; absent or null clears it.' })
  @IsOptional() schema?: unknown;

  @ApiProperty(VERSION_PROPERTY)
  @IsInt() @Min(0) @Max(MAX_VERSION) version!: number;
}

export class CreateEndpointRequest {
  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: MAX_TEXT, description: 'Absent or blank: a generated name such as `brave-falcon`.' })
  @IsOptional() @IsString() @MaxLength(MAX_TEXT) name?: string | null;

  @ApiProperty(URL_PROPERTY)
  @IsString() @MaxLength(MAX_TEXT * 2) url!: string;

  @ApiProperty(EVENT_TYPE_IDS_PROPERTY)
  @IsArray() @ArrayMaxSize(1000) @IsUUID('all', { each: true }) event_type_ids!: string[];
}

export class UpdateEndpointRequest {
  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: MAX_TEXT, description: 'New name; absent or null keeps the current one.' })
  @IsOptional() @IsString() @MaxLength(MAX_TEXT) name?: string | null;

  @ApiProperty(URL_PROPERTY)
  @IsString() @MaxLength(MAX_TEXT * 2) url!: string;

  @ApiProperty({ ...EVENT_TYPE_IDS_PROPERTY, description: 'Replaces the whole subscription set.' })
  @IsArray() @ArrayMaxSize(1000) @IsUUID('all', { each: true }) event_type_ids!: string[];

  @ApiPropertyOptional({
    type: 'boolean',
    nullable: true,
    description: 'Enables or disables deliveries; re-enabling resets the failure count. Absent or null keeps the current state.',
  })
  @IsOptional() @IsBoolean() enabled?: boolean | null;

  @ApiProperty(VERSION_PROPERTY)
  @IsInt() @Min(0) @Max(MAX_VERSION) version!: number;
}

export class SendMessageRequest {
  @ApiProperty({ format: 'uuid', description: 'An event type of the application.' })
  @IsUUID('all') event_type_id!: string;

  /** Read from the raw body text; declared so validation knows the field exists. */
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'JSON object delivered as the webhook body, byte for byte as sent.',
    example: { invoice_id: 'in_123', amount: 4200 },
  })
  @IsOptional() payload?: unknown;

  @ApiPropertyOptional({
    type: 'string',
    nullable: true,
    maxLength: 256,
    description: 'Sending the same key again while it is remembered returns the first message instead of a new one.',
  })
  @IsOptional() @IsString() @MaxLength(256) idempotency_key?: string | null;
}
