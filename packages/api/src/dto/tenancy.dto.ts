import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';

import { PageFields } from './responses.dto';

// Organizations, their OIDC configs, the audit log and the sign-in settings.
// Lengths bound what a request may carry. The domain checks blank values, URL
// formats and slugs, and names the field in its message.
const MAX_TEXT = 2048;
const MAX_VERSION = 2_147_483_647;

export class CreateOidcConfigRequest {
  @ApiProperty({ description: 'Issuer URL; must equal the `iss` claim of the tokens exactly.', example: 'https://login.example.com' })
  @IsString()
  @MaxLength(MAX_TEXT)
  issuer_url!: string;

  @ApiProperty({ description: 'Audience (client id); tokens must list it in `aud`.', example: 'pigeon' })
  @IsString()
  @MaxLength(MAX_TEXT)
  audience!: string;

  @ApiProperty({ description: 'URL of the issuer JWKS that signs the tokens.', example: 'https://login.example.com/.well-known/jwks.json' })
  @IsString()
  @MaxLength(MAX_TEXT)
  jwks_url!: string;
}

export class CreateOrganizationRequest {
  @ApiProperty({ example: 'Acme' })
  @IsString()
  @MaxLength(MAX_TEXT)
  name!: string;

  @ApiProperty({ description: 'Lowercase letters, digits and hyphens; cannot be changed later.', example: 'acme' })
  @IsString()
  @MaxLength(MAX_TEXT)
  slug!: string;

  @ApiProperty({ description: 'Issuer URL of the first OIDC config.', example: 'https://login.acme.example' })
  @IsString()
  @MaxLength(MAX_TEXT)
  oidc_issuer_url!: string;

  @ApiProperty({ description: 'Audience of the first OIDC config.', example: 'pigeon' })
  @IsString()
  @MaxLength(MAX_TEXT)
  oidc_audience!: string;

  @ApiProperty({ description: 'JWKS URL of the first OIDC config.', example: 'https://login.acme.example/.well-known/jwks.json' })
  @IsString()
  @MaxLength(MAX_TEXT)
  oidc_jwks_url!: string;
}

export class UpdateOrganizationRequest {
  @ApiProperty({ example: 'Acme Corporation' })
  @IsString()
  @MaxLength(MAX_TEXT)
  name!: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'The version last read; a different stored version is a 409.' })
  @IsInt()
  @Min(0)
  @Max(MAX_VERSION)
  version!: number;
}

export class OrganizationResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'Acme' })
  name!: string;

  @ApiProperty({ example: 'acme' })
  slug!: string;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'Version after the last write; send it back to update.' })
  version!: number;
}

export class PaginatedOrganizationResponse extends PageFields {
  @ApiProperty({ type: [OrganizationResponse] })
  items!: OrganizationResponse[];
}

export class OidcConfigResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  org_id!: string;

  @ApiProperty({ example: 'https://login.example.com' })
  issuer_url!: string;

  @ApiProperty({ example: 'pigeon' })
  audience!: string;

  @ApiProperty({ example: 'https://login.example.com/.well-known/jwks.json' })
  jwks_url!: string;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ type: 'integer', minimum: 1 })
  version!: number;
}

export class PaginatedOidcConfigResponse extends PageFields {
  @ApiProperty({ type: [OidcConfigResponse] })
  items!: OidcConfigResponse[];
}

export class AuditLogResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'UpdateApplication' })
  command_name!: string;

  @ApiProperty({ description: 'The `sub` claim of the caller token.', example: 'user-123' })
  actor!: string;

  @ApiProperty({ format: 'date-time' })
  timestamp!: string;

  @ApiProperty()
  success!: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'The error returned to the caller; null on success.' })
  error_message!: string | null;
}

export class PaginatedAuditLogResponse extends PageFields {
  @ApiProperty({ type: [AuditLogResponse] })
  items!: AuditLogResponse[];
}

/** Sign-in settings for a web console that has no token yet. */
export class AuthConfigResponse {
  @ApiProperty({ description: 'OIDC issuer to sign in with.', example: 'https://login.example.com' })
  issuer_url!: string;

  @ApiProperty({ description: 'Audience, used by the console as its OIDC client id.', example: 'pigeon' })
  audience!: string;
}
