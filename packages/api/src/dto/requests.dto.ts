import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';

// Lengths here bound what a request may carry; the domain applies its own rules too.
const MAX_TEXT = 2048;
const MAX_VERSION = 2_147_483_647;

export class CreateApplicationRequest {
  @IsString() @MaxLength(MAX_TEXT) name!: string;
  @IsString() @MaxLength(MAX_TEXT) uid!: string;
}

export class UpdateApplicationRequest {
  @IsString() @MaxLength(MAX_TEXT) name!: string;
  @IsInt() @Min(0) @Max(MAX_VERSION) version!: number;
}

export class CreateEventTypeRequest {
  @IsString() @MaxLength(MAX_TEXT) name!: string;
  @IsOptional() schema?: unknown;
}

export class UpdateEventTypeRequest {
  @IsString() @MaxLength(MAX_TEXT) name!: string;
  @IsOptional() schema?: unknown;
  @IsInt() @Min(0) @Max(MAX_VERSION) version!: number;
}

export class CreateEndpointRequest {
  @IsOptional() @IsString() @MaxLength(MAX_TEXT) name?: string | null;
  @IsString() @MaxLength(MAX_TEXT * 2) url!: string;
  @IsArray() @ArrayMaxSize(1000) @IsUUID('all', { each: true }) event_type_ids!: string[];
}

export class UpdateEndpointRequest {
  @IsOptional() @IsString() @MaxLength(MAX_TEXT) name?: string | null;
  @IsString() @MaxLength(MAX_TEXT * 2) url!: string;
  @IsArray() @ArrayMaxSize(1000) @IsUUID('all', { each: true }) event_type_ids!: string[];
  @IsOptional() @IsBoolean() enabled?: boolean | null;
  @IsInt() @Min(0) @Max(MAX_VERSION) version!: number;
}

export class SendMessageRequest {
  @IsUUID('all') event_type_id!: string;
  /** Read from the raw body text; declared so validation knows the field exists. */
  @IsOptional() payload?: unknown;
  @IsOptional() @IsString() @MaxLength(256) idempotency_key?: string | null;
}
